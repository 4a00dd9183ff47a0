"""Linguistic guards: reasons a clause that *mentions* a misconception does not *state* it.

All functions take canonical text (see ``intents.normalize.canonical``) and are pure.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

# Alternations share one leading ``\b`` so the regex engine tests each cue's first letter instead of
# entering every branch at every position (about 10x faster on chat; same matches).

# Negation cues after contraction expansion ("won't" → "will not").
_NEGATION = re.compile(
    r"\b(?:not|never|no|nor|neither|none|nobody|nowhere|without|hardly|barely|nope)\b"
    # "nothing" as the subject denies ("nothing gets trained"); as an object it is an amount
    # ("costs nothing").
    r"|(?:^|\b(?:and|so|but|because|since|then|as|where) )nothing\b(?! (?:but|else|more|less|short)\b)"
    r"|\bzero (?:\w+ )?(?:training|retraining|fine-tuning|learning)\b"
)
# Cues that look like negation but do not deny the clause.
_FALSE_NEGATION = re.compile(
    r"\b(?:not (?:just|only|merely|simply)\b|no (?:doubt|wonder|matter)\b|if not\b|not sure\b"
    r"|not cheap\b|do not worry\b|no worries\b|not to mention\b|no question\b|no joke\b"
    r"|never been (?:cheaper|easier)\b|no brainer\b|not a problem\b|why not\b|do not sweat\b"
    r"|no prob(?:lem)?\b"
    r"|no big deal\b|not even worth (?:tracking|budgeting|mentioning|counting)\b"
    r"|do not bother (?:forecasting|tracking|budgeting|counting|estimating|worrying)\b"
    r"|not (?:a |an )?(?:gpt|chatgpt|claude|gemini|openai|copilot|vendor|off the shelf|off-the-shelf)\b)"
)
# A question that opens with a negated auxiliary is rhetorical: "doesn't it learn from our chats?"
_RHETORICAL = re.compile(
    r"^(?:but |so |and |wait |hmm )?(?:is|are|does|do|did|will|would|can|could|should|was|were|has|have) "
    r"not\b|\bright\?$|\bno\?$"
)

# Meta-talk: the message is *about* the wording, or corrects it, rather than stating it.
# Meta-talk: the message is *about* the wording, or corrects it, rather than stating it.
# Strong cues speak for the whole message ("don't say", "myth", "row 5 of the table").
_STRONG_META = re.compile(
    r"\b(?:(?:do not|never|avoid|stop|quit) "
    r"(?:say|saying|tell|telling|claim|claiming|use|using|write|writing|putting|imply|implying"
    r"|suggest|suggesting)\b"
    r"|instead of (?:saying|telling|claiming)\b|rather than (?:saying|telling|claim)"
    r"|don't say\b|dont say\b|do say\b|don t say\b|do not-say\b|don't-say\b|dont-say\b|do-say\b"
    r"|misconceptions?\b|myths?\b|misunderstanding\b|common mistake\b"
    r"|mistakenly\b|erroneous(?:ly)?\b|correct(?:ing|ed)? (?:them|him|her|that|this|people|the)\b"
    r"|row \d+\b|(?<!off )(?<!on )(?<!at )the table\b|phrasebook\b|dosay\b|cheat ?sheet\b"
    r"|the list\b|don'?t-say list\b|the primer\b"
    r"|people (?:often |always |usually )?(?:think|assume|believe|say)\b"
    r"|example of (?:a|the)\b|red flag\b|when (?:a |the )?(?:buyer|client|customer|someone) says\b"
    r"|if (?:a |the )?(?:buyer|client|customer|someone|they) (?:says|asks)\b|reframe\b|pushback\b"
    # A planned answer: "if they ask whether ..., I'll answer ...", "when a buyer talks about ..., redirect".
    r"|(?:if|when|whenever) (?:a |an |the |our |their )?(?:\w+ ){0,2}(?:says|asks|say|ask|talks? about"
    r"|brings? up|mentions?|insists? on)\b.*\b(?:i will|i would|we will|my answer|answer|my first question"
    r"|redirect|offer|point out|ask what|triage)\b"
    # Coaching on what a phrasing leads to: "if you tell them it learns, they'll expect ...".
    r"|if (?:you|we|they|reps?|anyone|someone) (?:tell|tells|say|says|promise|promises|claim|claims|imply"
    r"|implies|pitch|pitches) (?:them|him|her|the buyer|buyers|the client|clients|customers|that)\b"
    # Material about phrasings: scripts, trackers, objection handling.
    r"|role[ -]?play\w*|(?:sales|call|demo|pitch|phone) script\b|talk track\b|keyword (?:list|tracker)\b"
    r"|tracker keywords?\b|objection[ -]?handling\b|battle ?cards?\b"
    r"|any (?:sentence|line|claim|wording|phrasing|mention|slide) that"
    r" (?:implies|says|suggests|claims|promises)\b"
    r"|(?:cut|remov\w*|drop\w*|delet\w*|strike|struck|took out) the (?:line|sentence|bit|part|claim|slide)"
    r" (?:about|that|saying|claiming)\b|the (?:line|sentence|claim|bit|slide|wording) (?:claiming|saying"
    r"|that says)\b"
    # Planned corrections and reviews of someone's wording: "gonna redirect the ... ask", "your email says
    # ... I'd rewrite that", "in the intro you wrote that ... can you fix?", "one flag: ...".
    r"|(?:going to|will|need to|have to|want to|should|gotta|i am) (?:redirect|walk (?:that|it|this) back"
    r"|fix|fixing|rewrite|reword|rephrase|rebut|correct|push back on)\b|\brebut\w*|i would rewrite\b"
    r"|(?:can|could) (?:you|we) (?:fix|redo|reword|rephrase|rewrite)\b|\bone flag\b|reads like\b"
    r"|comment on the (?:sow|draft|deck|doc|proposal|email|slide)\b|you wrote that\b"
    r"|(?:(?:your|the|our) )?(?:old |first |earlier |original |previous )?(?:email|draft|slide|deck"
    r"|cover letter"
    r"|proposal"
    r"|intro|faq|one-pager|version) (?:says|said"
    r"|implies|reads)\b"
    r"|fix(?:ing)? the (?:slide|line|deck|doc|wording|copy|email|faq|sentence)\b|triage cards?\b"
    r"|(?:reps|people|we|everyone|sellers) (?:most often |often |always )?get wrong\b"
    r"|(?:was|were) going to (?:write|put)\b|coaching\b|the slips? we hear\b"
    r"|describing (?:the model|the ai|it|the bot) as\b"
    r"|for anyone prepping\b|(?:we|i) (?:would|will) ask (?:them |him |her )?what data\b"
    r"|what data and what for\b"
    r"|\bbuyer scenario\b|the [\w'-]+ scenario\b|^that (?:was|is) (?:wrong|incorrect|not right|not true)\b"
    # A phrase named as a thing: "the NIST-doesn't-cover-training entry", "the learns-over-time card".
    r"|\b[\w']+(?:-[\w']+){2,} (?:entry|card|phrase|line|row|slide|myth)\b|mapped to section\b"
    r"|scenario cards?\b|^correction\b|test case\b|where (?:someone|somebody|a buyer|the buyer|a user"
    r"|they) says\b"
    r"|\bgot flagged for\b|phrases? .{0,20}\bflagged\b|\bwhoever wrote\b|\bunder wrong\b|\bwalk(?:ing"
    r"|ed)? (?:that|it|this) back\b|\bthe [\w-]+ entry\b"
    r"|my mistake\b|(?:ready to|need to"
    r"|going to|will"
    r"|should) counter\b|worth countering\b"
    r"|misspoke\b|i was wrong\b|i stand corrected\b|(?<!from )scratch that\b|catch(?:ing)? myself\b"
    r"|(?:need|have|got|going) to stop (?:saying|doing|that|it)\b|need to stop$"
    r"|(?:do|did|does) (?:they|he|she|you) (?:mean|actually mean)\b|what do (?:they|you) mean\b"
    r"|when (?:a |an |the |our |their )?(?:\w+ ){0,2}(?:says|asks|say|ask)(?: for| about| that)?"
    r" (?:they|we|it|to|if|whether|for)\b"
    r"|(?:banned|forbidden|prohibited|retired|blacklisted|off-limits)"
    r" (?:phrases?|phrasing|wording|lines?|words?|claims?)\b"
    r"|phrases? (?:to avoid|we avoid|never to use|not to use|to retire|to drop|we retire|we dropped)\b"
    r"|enablement\b"
    r"|flash ?cards?\b|training material\b|glossary\b"
    # The claim as someone's question to prepare for: "what do we say when they ask whether it improves?"
    r"|when (?:they|a buyer|the buyer|buyers|a client|the client|clients|customers|people|someone)"
    r" asks? (?:whether|if|about)\b)"
)
# Weak cues only speak for their own sentence ("... is wrong" / "let me know if that's wrong").
_WEAK_META = re.compile(
    r"\b(?:false(?:ly)?\b|untrue\b|incorrect(?:ly)?\b"
    # "wrong" as a verdict ("that's wrong", "... -> wrong"), not "the early wrong answers".
    r"|(?:is|are|was|were|be|been|totally|completely|dead|just|plain|so|all|very|got it|get it) wrong\b"
    r"|wrong$|(?:went|goes|go|going) wrong\b"
    # "don't promise we can customize the model" coaches; "maybe we don't promise the custom tone"
    # decides: the sentence's own business either way.
    r"|(?:do not|never|avoid) promis(?:e|ing) (?:that|we|they|you|it will|it can|the model|the ai|the bot)\b"
    r"|not true\b|not the case\b|not how (?:it|this|that|any of this|fine-tuning|inference|retrieval"
    r"|rag) works\b|not right\b|not correct\b|^what happens (?:to|if|when)\b"
    r"|\b(?:describe|explain) (?:whether|how|if)\b|(?:the )?answer (?:is|was) no\b"
    r"|^(?:is|are|would|will|could) .{0,40}\bever (?:realistic|worth it|needed|necessary|a good idea)\b"
    r"|^how much (?:would|will|does|do|is|are)\b|^(?:who|how do we) decides? (?:whether|if)\b|^(?:has|have"
    r"|did|does) (?:any|anyone|anybody)\b.*\bever\b"
    r"|\b(?:so|hence|thus|then) (?:it is )?(?:rag|retrieval)(?: it is)?$"
    r"|not accurate\b|inaccurate\b"
    # The alternative was chosen for this very reason: "... which is exactly why we are doing RAG".
    r"|(?:why|so) we (?:are |will |would )?(?:doing|do|use|using|went with|go with|going with|chose"
    r"|recommend|recommended|propose|proposed|proposing|pitch|pitched) (?:rag|retrieval)\b"
    r"|\b(?:another|one more|a good|the main|the) reason (?:to|for|we)\b.*\b(?:rag|retrieval)\b"
    r"|(?:assume|assuming|think|thinks|thinking|believe|believes) that\b.*\b(?:but|actually|in fact)\b)"
)


# A negated auxiliary before its subject asks or suggests rather than denies: "couldn't they customize
# it?", "why don't we fine-tune on it", "wouldn't pre-training let them ...". Anywhere before a pronoun
# (declaratives never put one there); before a noun phrase only where the clause starts.
_AUXILIARY = r"(?:is|are|was|were|do|does|did|will|would|can|could|should|shall|has|have|had)"
_INVERTED_NOT = re.compile(
    rf"(?<!why )\b{_AUXILIARY} not (?=(?:it|they|we|you|he|she|i)\b)"
    rf"|\bwhy {_AUXILIARY} not (?=(?:we|you|i)\b)"  # a suggestion; "why doesn't it learn?" still denies
    rf"|(?:^|\b(?:so|but|and|then|well|wait|hmm|or)\s){_AUXILIARY} not "
    r"(?=(?:the|a|an|our|their|your|its|this|that|these|those|pre-training|pretraining|fine-tuning"
    r"|rag|retrieval|inference)\b)"
)


@lru_cache(maxsize=8192)
def is_negated(clause: str) -> bool:
    """True when the clause carries a negation cue that denies it."""
    text = _FALSE_NEGATION.sub(" ", clause)
    if "not " in text:
        text = _INVERTED_NOT.sub(" ", text)
    if not _NEGATION.search(text):
        return False
    if clause.endswith("?") and _RHETORICAL.search(clause):
        # "isn't fine-tuning expensive?" asks for agreement with the claim; count the cue out.
        return len(_NEGATION.findall(text)) > 1
    return True


def is_meta_talk(message: str) -> bool:
    """True when the message talks about the misconception's wording (a quote, a correction, a list)."""
    return bool(_STRONG_META.search(message) or _WEAK_META.search(message))


def is_strong_meta_talk(message: str) -> bool:
    """Cues that mark the whole message as talk *about* the wording."""
    return bool(_STRONG_META.search(message))


def is_weak_meta_talk(sentence: str) -> bool:
    """Cues that mark only their own sentence as a correction ("... -> wrong")."""
    return bool(_WEAK_META.search(sentence))


# A quoted buyer scenario counts only when someone is reported saying it ("the CIO said: '...'");
# a quoted phrase inside an explanation ("'train it on our data' often means RAG") does not.
_REPORTING = re.compile(
    r"\b(?:said|says|say|saying|asked|asks|asking|ask|told|tells|tell us|wants|wanted|want|keeps|kept|wrote|"
    r"writes|emailed|mentioned|requested|request|replied|responded|quote|quoted|verbatim|literally|"
    r"goes|went|like)\b"
)


# A message that forwards or pastes someone's words: the quoted lines below are theirs, reported.
_FORWARDED = re.compile(
    r"\b(?:forward(?:ed|ing)|fwd|fw:|see below|below from|pasting|pasted|verbatim|wrote:|their email"
    r"|email below|from the (?:rfp|rfi|rfq|email|thread|ticket|transcript|call notes))\b|^>\s*from:",
    re.IGNORECASE | re.MULTILINE,
)


def is_forwarded(raw_message: str) -> bool:
    """True when the message forwards or pastes someone else's words (an email, an RFP section)."""
    return bool(_FORWARDED.search(raw_message))


# The writer takes a quoted line as their own: "FW from finance, fully agree: '...'", "+1", "good line".
_ENDORSED = re.compile(
    r"(?:^|\s)\+1\b|\b(?:fully |totally |100% )?agree(?:d)?(?: w/| with)? (?:this|that|it)\b|\bfully agree\b"
    r"|\bgood (?:line|framing|point|way to put it)\b|\blet'?s (?:use|reuse|do|go with) (?:it|this|that)\b"
    r"|\buse this\b|(?<!stop )\bputting (?:it|this) in\b|\blove (?:this|that) line\b|\bwell put\b"
    r"|\bthis is (?:it|right)\b",
    re.IGNORECASE,
)


def is_endorsed(raw_message: str) -> bool:
    """True when the writer endorses the words they quote (so a quoted claim is theirs)."""
    return bool(_ENDORSED.search(raw_message))


def is_reported_speech(sentence: str) -> bool:
    """True when the sentence around a quote reports someone saying it."""
    return bool(_REPORTING.search(sentence))


# Someone else's claim, reported and then answered in the same message: "the client thinks it learns
# over time; I explained it doesn't", "their CISO claimed NIST ignores training, I pointed her to 600-1".
# The attribution must come before (or in) the clause that matched; the answer may come anywhere.
_ATTRIBUTION_VERB = (
    r"(?:said|says|claimed|claims|thought|thinks|think|believed|believes|believe|assumed|assumes|assume"
    r"|asked|asks|wanted|wants|told|pitched|pitch|suggested|insisted|argued|used to (?:think|believe|say)"
    r"|pushed back|objected|complained|worried|was worried|were worried|heard|expected|expects|figured"
    r"|(?:was|were|is|are|seemed|seems) (?:convinced|sure|certain|under the impression)|hoped|floated"
    r"|proposed|promised|mentioned|brought up|kept saying|keeps saying|saying|imagined|pictured"
    r"|had the idea|got the idea|has the idea"
    r"|opened with|led with|started with)"
)
_ATTRIBUTION = re.compile(
    r"\b(?:at first|initially|originally|early on) (?:i|we|they|he|she) (?:\w+ )?(?:assumed|thought|believed"
    r"|figured|expected)\b|"
    r"(?:\b(?:the|our|their|a|an|his|her|your|my|one|some|that|this) [\w'-]+|\b(?:they|he|she|someone"
    r"|somebody|people|you|buyers?|clients?|customers?|prospects?)|[a-z]'s)(?: [\w'-]+){0,6}? "
    rf"{_ATTRIBUTION_VERB}\b"
)
# A sentence may open on a bare name or role: "competitor told them ...", "procurement pushed back ...".
_OPENING_ATTRIBUTION = re.compile(rf"^(?:[\w'-]+ ){{0,3}}?{_ATTRIBUTION_VERB}\b")
_ANSWERED = re.compile(
    r"\b(?:explained|explaining|explanation|clarified|clarifying|clarification|corrected|debunked"
    r"|pointed (?:him|her|them|out)|walked (?:him|her|them)|talked (?:him|her|them) out|redirected|steered"
    r"|set (?:the |their )?expectations|reassured|pushed back|straightened|(?:since |have |we )deleted"
    r"|triage question|used to (?:think|believe|assume)|no longer (?:think|believe|assume)"
    r"|(?:gave|told|sent) (?:him|her|them) (?:the|a|our|that|it)\b|(?:showed|shown) (?:him|her|them)\b"
    r"|(?:they are|he is|she is|we are) (?:fine|ok|okay|good|happy|on board|aligned) (?:now|with it|with a"
    r"|with the"
    r"|with rag|with retrieval)\b|after the (?:cost|pricing|budget) (?:slide|call|talk|numbers"
    r"|conversation)\b"
    r"|(?:i|we) (?:sent|shared|showed|quoted|gave) (?:the|our|a|them|him|her)\b"
    r"|(?:i|we) (?:agreed|decided|settled|opted)\b|turned out|turns out|(?:it was|became|it became) clear\b"
    r"|(?:realized|realised|understood) (?:that )?(?:it|they|what)\b"
    # Someone set it right: "set him straight", "shot it down", "I jumped in", "we went over the rates".
    r"|(?:had us |made us |we )?(?:remove|removed|delete|dropped|strike|cut)"
    r" (?:it|that|this|the line|the claim)\b"
    r"|(?:our|my) response (?:was|is|will say|says|said|explains|explained|points|pointed|clarifies|corrects"
    r"|states|notes)\b|(?<=\w )told (?:him|her|them)\b|^told (?:him|her|them)\b"
    r"|(?:we|i) looked (?:at|into) (?:it|that|this)\b|told (?:him|her|them) no\b|(?:we|i|[a-z]+) answered\b"
    r"|answered (?:that|with|no)\b|(?:our|my) answer\b"
    r"|decided against\b"
    r"|crossed (?:it|that|this) out\b"
    r"|(?:killed|nixed|vetoed|ruled out) (?:it|that|this|the idea)\b|\brejected\b"
    r"|not doing (?:that|it)\b"
    r"|until (?:they|he|she|we) (?:heard|saw|learned|realized|realised)\b"
    r"|(?:i|we) said no\b(?! problem| prob| worries)"
    r"|(?:he|she|they) (?:has|have|is|are) stopped\b|stopped saying\b"
    r"|(?:they|he|she) meant\b|(?:i|we) asked (?:whether|if|what)\b|(?:i|we) (?:have )?fixed\b"
    r"|remov\w* (?:that|the|this) line\b|(?:i|we) (?:have )?replaced\b|after we talked\b"
    r"|(?:i|we) changed (?:it|that|this)\b|(?:that|which) settled it\b|(?:then|and) deleted (?:it|that)\b"
    r"|answer (?:we|i) gave\b|(?:but|and) the (?:base|existing|stock) model (?:already|can|does|handles)\b"
    r"|(?:are|is|were|was) happy with (?:rag|retrieval|that|the|a)\b|\bnope\b|(?:was|were|is"
    r"|are) on board with\b|pushed for (?:rag"
    r"|retrieval)\b|(?:and|so) they agreed\b"
    r"|unpack\w* (?:it|that|this)\b|what they actually need\b|(?:was|were) relieved\b"
    r"|talked it through\b|(?:we|they) agreed (?:that|it)\b|\w+ checked\b|walking (?:that|it|this) back\b"
    r"|called (?:it|that|this|him|her|them) out\b|had to follow up\b|(?:that|which|this) ended it\b"
    r"|(?:we|i) demoed\b|asked (?:him|her|them) to (?:send"
    r"|correct|fix"
    r"|follow up|update)\b|\btriage\b|switched to\b|once (?:they|he|she|we) (?:heard|saw|learned|realized)\b"
    r"|as soon as (?:we|they) saw\b"
    r"|(?:we|i) (?:modeled|modelled|ran|worked|did|costed) (?:it|that|the numbers|the math)(?: out)?\b"
    r"|ran the numbers\b|but (?:it is|that is) (?:really|actually)\b"
    r"|(?:got|was|were|has been) (?:dropped|shelved|killed|nixed|scrapped|shot down|ruled out|parked)\b"
    r"|reframed|reframing|followed up|redirect\w*|cleared (?:that|it|this|things) up"
    r"|walked (?:that|it|this) back|walked back|talked (?:him|her|them) (?:round|around|into|out of)\b"
    r"|asked (?:them |him |her )?(?:what|which) data\b|(?:they|he|she) thanked (?:us|me)\b"
    r"|(?:i|we) said (?:that|it) (?:is|was)\b"
    r"|made (?:him|her|them) (?:spell|clarify|explain|define|pick|choose)\b"
    r"|\b(?:so|then|it is|went with|going with|moved to|switched to|settled on|landed on)"
    r" (?:a )?(?:rag|retrieval)\b"
    r"|(?:fixed|reset|struck|rewrote|reworded|crossed out|took out|pulled)"
    r" (?:that|it|this|the (?:slide|line|wording|claim|sentence|copy|deck|pitch|narrative|number|pricing"
    r"|range"
    r"|answer|email|draft|proposal|faq|section|statement|quote))\b|set (?:him|her|them|it|that"
    r"|the record) straight"
    r"|(?:shot|shut|turned) (?:it|that|this|the idea) down"
    r"|nixed|vetoed|talked (?:him|her|them) down|(?:jumped|stepped|chimed) in\b|walked through"
    r"|went (?:over|through) (?:how|why|what|the)\b|(?:the )?actual (?:number|figure"
    r"|range|cost|price)s?\b|(?:i|we) (?:raised|flagged|brought up|noted|reminded)\b"
    r"|(?:moved|switched|pointed|nudged) (?:him|her|them|it|the project|the team)"
    r" (?:to|toward|towards|over)\b"
    r"|(?:he|she|they|the \w+) (?:conceded|came around|backed off|dropped it)\b"
    r"|after (?:the |a |some |two |a few )?(?:triage|demo|walkthrough|walk-through|call|explanation"
    r"|questions)\b.*"
    r"\b(?:really|actually|just|agreed|turned out|it is)\b)"
)


# The speaker taking the word back: "the buyer asked X and I told them <claim>" is our own claim.
_OWN_SPEECH = re.compile(
    r"\b(?:i|we) (?:\w+ )?(?:told|said|say|explained|promised|pitched|mentioned|wrote|answered|replied)\b"
)


# An idea reported without a speaker: "pre-training for full control came up and got dropped".
_RAISED = re.compile(
    r"\b(?:came up|come up|(?:was|got|been) (?:raised|floated|suggested|pitched|proposed|mentioned)"
    r"|(?:raised|floated|brought up|pitched) the idea)\b"
)


def is_attributed(sentence_so_far: str) -> bool:
    """True when the text up to the clause attributes the claim to someone else ("the buyer said ...")
    and the speaker has not taken the word back since ("... and I told them ...")."""
    own = list(_OWN_SPEECH.finditer(sentence_so_far))
    tail = sentence_so_far[own[-1].end() :] if own else sentence_so_far
    if not own and (_OPENING_ATTRIBUTION.search(sentence_so_far) or _RAISED.search(sentence_so_far)):
        return True
    return bool(_ATTRIBUTION.search(tail))


# A transcript whose next turn is ours: 'Client: "can you train it on our SOPs?" Me: we'll index them'.
_OUR_TURN = re.compile(
    r"(?:^|\n|[.!?\"'”]\s*)(?:me|us|we|i|our side|our se|our ae)\s*:\s", re.IGNORECASE | re.MULTILINE
)


# A pasted thread: "[3:30] Leah: ...", "Paolo: ..." lines by two or more people.
_TURN = re.compile(
    r"^\s*(?:\[[^\]\n]{1,16}\]\s*)?([A-Z][\w.'-]{0,20}(?: [A-Z][\w.'-]{0,20})?):\s+(.*)$", re.MULTILINE
)
# A later turn that answers: another speaker pushing back, or the first one conceding.
_PUSHBACK = re.compile(
    r"^(?:nope|no\b|not really|not quite|actually|hmm,? no|that's not|that is not|it's not|it is not"
    r"|it doesn't"
    r"|it does not|wrong|nah)\b|\bso no\b"
    r"|\b(?:not knowledge|not facts|a few thousand|frozen|per token|per-token)\b",
    re.IGNORECASE,
)
_CONCEDE = re.compile(
    r"^(?:ah,? (?:right|ok|okay|got it)|oh,? (?:right|ok|okay|cheaper|good)|my bad|fair|good point"
    r"|makes sense"
    r"|got it|ok,? (?:so|that|fair)|okay,? (?:so|that|fair)|right,? (?:so|that)|fair enough)\b",
    re.IGNORECASE,
)


def thread_answered_lines(raw_message: str) -> set[int]:
    """For a pasted thread of two or more speakers: the indexes (0-based, among the message's lines) of
    turns that a later turn answers (another speaker pushes back, or the speaker concedes)."""
    lines = raw_message.splitlines()
    turns = [(i, m.group(1), m.group(2)) for i, line in enumerate(lines) if (m := _TURN.match(line))]
    if len({name for _i, name, _t in turns}) < 2:
        return set()
    answered: set[int] = set()
    for n, (i, name, _text) in enumerate(turns):
        for _j, later_name, later_text in turns[n + 1 :]:
            if (later_name != name and _PUSHBACK.search(later_text)) or (
                later_name == name and _CONCEDE.search(later_text)
            ):
                answered.add(i)
                break
    return answered


def has_our_turn(raw_message: str) -> bool:
    """True when the raw message is a transcript with a turn of our own (someone else's words answered)."""
    return bool(_OUR_TURN.search(raw_message))


def is_answered(message: str) -> bool:
    """True when the message says the reported claim was answered ("I explained ...", "we deleted it")."""
    return bool(_ANSWERED.search(message))


# Unmistakable sarcasm markers: the claim is being mocked, not made.
_SARCASM = re.compile(
    r":(?:roll_?eyes|eye_?roll|face_with_rolling_eyes|upside_down_face|clown_face|clown):|🙄|🤡|🙃"
    r"|(?:^|\s)/s\b|\byeah,? right\b|\band (?:i'm|i am) the (?:queen|king|pope)\b"
    r"|\bpigs (?:can |will )?fly\b",
    re.IGNORECASE,
)


# Openers that mock what follows: "yeah let's just pre-train our own GPT", "oh sure, and ...",
# "right, because".
_MOCKING_OPENER = re.compile(
    r"^\W*(?:ah yes|oh yes|oh yeah)\b|\bsure,? right after\b|\bi(?:'ll| will) just find\b"
    r"|^\W*(?:oh,? )?(?:yeah|yea|sure|right|totally|of course)[,.!]*\s+(?:and|because|cause|let'?s just"
    r"|let us just|we'?ll just)\b"
    r"|^\W*oh,? (?:wonderful|great|fantastic|joy|perfect|lovely|brilliant|good|goody|cool)\b"
    r"|^\W*(?:great|brilliant|genius|fantastic|wonderful|excellent) idea\b|\bworst that could happen\b"
    r"|, just like (?:free|(?:the|my|our) (?:invoice|bill|budget|puppies|kittens))\b|\ba whole\W+(?:few|\$"
    r"|\d|one|two|three|four|five|several)|\bhow will .{0,30}\bever survive\b"
    r"|[,.]\s*(?:yep|sure|totally|genius|brilliant|great plan)\W*$|^\W*cool cool\b"
    r"|^\W*and i suppose\b|\bnothing says\b.{0,60}\blike\b|^\W*(?:love|gotta love|i love) (?:when|how)\b"
    r"|\bgreat career move\b|\bhear me out\b|\bnext (?:someone"
    r"|somebody|they|you)(?:'ll| will) (?:tell|say)\b|\bbetween friends\b"
    r"|\bwhat could (?:possibly )?go wrong\b|\bcouch cushions\b"
    # "sure, free inference, just like free puppies" (but "Sure, we can make the model yours" offers).
    r"|^\W*(?:oh,? )?(?:sure|right|totally|oh no|yes)[,!]+\s+(?!(?:we|i|you|they) (?:can|could|will|would)\b"
    r"|no problem|happy to|that works|will do|good (?:point|call))"
    # "yeah the bot totally learns overnight".
    r"|^\W*(?:oh,? )?(?:yeah|yea|sure|right)\b.{0,40}\b(?:totally|definitely|famously|obviously|surely)\b",
    re.IGNORECASE,
)
# A word stretched for effect ("sooo", "riiight") with a punchline marker after the claim.
_STRETCHED = re.compile(r"\b(?!www)\w*([a-z])\1\1\w*\b", re.IGNORECASE)
_PUNCHLINE = re.compile(r"\b(?:lol|lmao|haha\w*|all \$?[\d,.]+k? of it)\b|…|\.\.\.", re.IGNORECASE)


def is_sarcastic(raw_message: str) -> bool:
    """True when the raw message (emoji codes still in it) carries a clear sarcasm marker."""
    if _SARCASM.search(raw_message) or _MOCKING_OPENER.search(raw_message):
        return True
    return bool(_PUNCHLINE.search(raw_message) and _STRETCHED.search(raw_message))  # the rarer one first


# A quote introduced by a colon after a speaker or a source is reported: "From the RFP: '...'", "buyer
# email: '...'". A colon after anything else introduces a list of phrasings ("Bad: '...'", "re: '...'").
_COLON_INTRODUCED = re.compile(r":\s*[\"'“‘«]?\s*$")
_SOURCE = re.compile(
    r"\b(?:buyers?|clients?|customers?|prospects?|agency|agency's|county|city|state|ministry|department"
    r"|district|council|board|university|school|hospital|rfps?|rfis?|rfqs?|tender|sow|e-?mails?|ticket"
    r"|transcript|call notes|minutes|cio|ciso|cto|cfo|director|manager|sponsor|officer|stakeholder|they|he"
    r"|she|said|says|wrote|writes|asked|asks|replied|verbatim|quote|per)\b",
    re.IGNORECASE,
)


def is_colon_introduced(before_quote: str) -> bool:
    """True for "From the buyer: '...'": a colon ends the text, and its last words name who said it."""
    if not _COLON_INTRODUCED.search(before_quote):
        return False
    lead = before_quote.rstrip(" \"'“‘«:").rsplit(".", 1)[-1]
    return bool(_SOURCE.search(" ".join(lead.split()[-6:])))


# A claim put as a supposition and then set aside: "if fine-tuning really ran six figures I'd skip it,
# but it's a few thousand", "even if it did learn from chats (it doesn't) ...", "hypothetically ..., but no".
# A plain condition stays a claim: "if we fine-tune it on the regs it'll know them".
_SUPPOSITION = re.compile(
    r"^(?:(?:ok|okay|so|and|well|sure|look|honestly|i mean|but) )?(?:(?:we|they|you|i) (?:could|might|can) )?"
    r"(?:even if|hypothetically|in theory"
    r"|theoretically|suppose|supposing|imagine|assuming for a second|assume|assuming|let us say|pretend)\b"
)
# "if it really cost six figures" doubts; "if they really want total control" is sincere.
_DOUBTFUL_CONDITION = re.compile(
    r"^(?:(?:ok|okay|so|and|well|but) )?if\b(?!.*\b(?:really|truly) (?:want|wants|need|needs)\b)"
    r".*\b(?:really|actually|truly|somehow)\b"
)
_CONDITION = re.compile(r"^(?:(?:ok|okay|so|and|well|but) )?if\b")
_IN_THEORY = re.compile(r"\b(?:in theory|theoretically|hypothetically|in principle)\b")
# The option was turned down: "decided against it", "crossed it out", "killed it", "Rejected.".
_REJECTION = (
    r"\b(?:decided against|ruled (?:it |that |this )?out|crossed (?:it|that|this) out|rejected"
    r"|not doing (?:that|it)"
    r"|(?:killed|nixed|vetoed|scrapped|dropped|shelved|binned|parked) (?:it|that|this|the idea)"
    r"|(?:got|was|were) (?:dropped|shelved|killed|nixed|scrapped|shot down|ruled out|parked))\b"
)
# An option weighed and then dropped: "we considered training it on the handbook, but retrieval made
# more sense".
_CONSIDERED = re.compile(
    r"^(?:(?:ok|okay|so|and|well|honestly|tbh) )?(?:(?:i|we|they|he|she)(?: \w+)? )?"
    r"(?:weighed|considered|consider|discussed|drafted|thought about|toyed with|looked at|explored|floated"
    r"|entertained"
    r"|tempting to"
    r"|was tempted"
    r"|were tempted|could have|would have|might have|was going to|were going to|almost|nearly)\b"
)
# The next sentence denies the condition: "It doesn't, and it isn't cheap.", "But it does not."
_NEXT_DENIES = re.compile(
    r"^\s*(?:but |and )?(?:it|they|that|this|which|nist|the model) (?:does|do|did|is|are|was|will|would"
    r"|can) not\b"
    r"|^\s*(?:sadly|unfortunately|in reality|reality)\b"
)
_SET_ASIDE = re.compile(
    r"^\s*(?:but|however|though|although|yet|whereas)\b|\b(?:it does not|it is not|they do not|it will not"
    r"|so no|which it does not|which it is not)\b|" + _REJECTION
)
# ... and for an option weighed, a change of mind: "then remembered it changes every semester, retrieval
# instead".
_DROPPED = re.compile(
    _REJECTION
    + r"|\binstead\b|\bthen (?:remembered|realized|realised|thought better)\b|\bchanged (?:my|our) mind"
    r"|\b(?:rag|retrieval) is the (?:safer|better|right|smarter|cheaper) (?:call|bet|choice|option|route)\b"
    r"|\bnot how .{0,40}\bworks?\b|\bno[.!\s]*$|\bpass[.!\s]*$|\bexcept (?:then|that)\b|\boff the table\b"
    r"|\b(?:will"
    r"|would|does|did) not work\b"
    r"|\b(?:that is|so) a (?:no|hard no|pass)\b"
    r"|\bso no\b|\bhard pass\b"
    r"|\bwhich is (?:exactly )?why it (?:does|is"
    r"|will) not\b"
    r"|\bscrap (?:that|it)\b|\b(?:then|and) deleted (?:it|that)\b|\bkills? (?:that|the|this) idea\b|\b(?:rag"
    r"|retrieval) it is\b|\bnot worth it\b|\babsolutely not\b"
)
# An option on display: "... was on the whiteboard for a minute", "one option on the table was ...".
_OPTION = re.compile(
    r"\b(?:(?:was|were|is|are) (?:on the (?:table|whiteboard|list|shortlist)|an option|one option|floated"
    r"|considered|discussed|proposed)|one option(?: on the table)? (?:was|is|would be)|(?:an"
    r"|one) idea (?:was|is)"
    r"|^(?:(?:sure|ok|okay|well|yes|yeah|honestly|i mean) )?(?:we|they|you) could"
    r"|the (?:suggestion|idea|proposal|plan|option) (?:to|of)\b)\b"
)


# "..., if they had $100M and a year to spare": the claim holds only in a world that is not this one.
_COUNTERFACTUAL = re.compile(
    r"\bif (?:they|we|you|he|she|it|i|the \w+) (?:had|were|could afford)\b"
    r"|^(?:(?:ok|okay|so|and|well|but) )?had (?:it|we|they|you|i|this|that|the \w+) (?:\w+ )?"
    r"(?:been|gone|done|taken|made|built|chosen|run|seen|known|told|said|thought|put|sent|bought|paid"
    r"|[\w-]+ed)\b"
    # "were NIST silent on training we'd need ...": the subjunctive inversion.
    r"|^(?:(?:ok|okay|so|and|well|but) )?if (?:it|they|we|you|he|she) did (?!not\b)\w+"
    r"|^(?:(?:ok|okay|so|and|well|but) )?were (?!you\b)(?:\w+ ){1,4}.*\bwould\b"
    r"|\bin (?:a|an) (?:world|universe|ideal world|perfect world) where\b"
    # "if the AI learned from our chats it would be fluent in ...": a past-tense condition with "would".
    r"|^if (?:[\w'-]+ ){1,3}?(?:[\w-]+ed|taught|knew|got|gave|made|did|were|had|said|let|told|thought|went"
    r"|put"
    r"|sent|built|ran|took|bought|chose|paid)\b.*\bwould\b"
)


# A question turned down at once: "fine-tune on their case files? no way, memorization risk".
_TURNED_DOWN = re.compile(
    r"^\s*(?:no way|nope|no|hard no|absolutely not|not a chance|never|not happening|god no|hell no)\b"
    r"|^.{0,40}\b(?:absolutely not|no way|hard no|not a chance)\b|^.{0,40}\bno\b(?! (?:problem|worries|one"
    r"|idea|rush|clue|doubt))"
    r"|^\s*short answer\b.{0,80}\b(?:no|do not|don't)\b"
    r"|^\s*(?:maybe|perhaps|sure|technically|in theory)[, ]+but\b"
    r"|^\s*only (?:if|with|for)\b"
)


_WHOLE_SUPPOSITION = re.compile(
    r"^(?:(?:ok|okay|so|and|well|sure|look|honestly|but) )?(?:hypothetically|theoretically|in theory"
    r"|imagine)\b"
)


def supposition(
    clause: str, rest_of_sentence: Callable[[], str], rest_of_message: Callable[[], str] = str
) -> str | None:
    """How the clause supposes the claim only to set it aside: "condition" when a leading condition does
    ("even if ...", "if it really ..., but"), which holds only where that condition carries the claim;
    "counterfactual" for a world that is not this one ("..., if they had $100M"), which holds for the whole
    clause; None otherwise. All text canonical; what follows the clause in its sentence and in the message
    is asked for only when a cue in the clause needs it (most clauses have none)."""
    if _COUNTERFACTUAL.search(clause) or _WHOLE_SUPPOSITION.search(clause):
        return "counterfactual"  # "hypothetically, fine-tuning on the notes would ..." supposes all of it
    rest = rest_of_sentence()
    if " if " in f" {rest[:60]}" and _COUNTERFACTUAL.search(rest[:60]):
        return "counterfactual"
    question = clause.endswith("?")
    considered = _CONSIDERED.search(clause) is not None
    option = considered or _OPTION.search(clause) is not None
    if not (question or option or "if" in clause or _SUPPOSITION.search(clause) or _IN_THEORY.search(clause)):
        return None
    if question and _TURNED_DOWN.search(rest or rest_of_message()):
        return "counterfactual"  # the whole question is what was turned down
    if _SUPPOSITION.search(clause) or _DOUBTFUL_CONDITION.search(clause):
        return "condition"
    if considered and _SET_ASIDE.search(rest):
        return "counterfactual"  # an option weighed and set aside: the whole clause, whatever leads it
    if (_CONDITION.search(clause) or _IN_THEORY.search(clause)) and _SET_ASIDE.search(rest):
        return "condition"
    if _CONDITION.search(clause) and not rest.strip() and _NEXT_DENIES.search(rest_of_message()[:60]):
        return "condition"  # "If pre-training let you customize it cheaply, everyone would. It doesn't."
    if option and _DROPPED.search(f"{clause} {rest} {rest_of_message()}"):
        return "counterfactual"  # "sure, we could fine-tune on the case files, but ... no": all of it
    return None
