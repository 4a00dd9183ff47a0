"""The matcher's general rules, exercised on the bundled phrasebook (one case per rule, not per sentence)."""

from __future__ import annotations

import pytest

from intents.matcher import OUTRANK_MARGIN, Matcher, _prefer_specific
from intents.types import Candidate
from phrasebook.loader import load_phrasebook

MATCHER = Matcher(load_phrasebook())


def best(text: str) -> str | None:
    matches = MATCHER.match(text)
    return matches[0].entry if matches else None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A quoted scenario counts when someone is reported saying it, not inside an explanation.
        ('the CIO said "we want to train it on our data"', "buyer-train-on-our-data"),
        ('It matters because "train it on our data" often means RAG', None),
        # Quotes of other entries are someone else's words on display.
        ("> Inference is basically free.", None),
        # Weak correction cues speak for their own sentence only.
        ("Inference is basically free, so I left it out. Tell me if that's wrong.", "inference-is-free"),
        ("inference is basically free -> wrong", None),
        # Strong meta-talk speaks for the whole message.
        ("Myth of the week. Inference is basically free.", None),
        # Negation is scoped to the comma-part that carries the claim.
        ("no worries, the model learns from every chat", "ai-learns-over-time"),
        ("the weights are frozen, so it won't learn from your chats", None),
        # A negated clause agreeing with a negated trigger needs a clearly stronger match.
        ("fine-tuning isn't that expensive, a few thousand dollars", None),
        # Typo repair fixes typos, never real words.
        ("we could trian it on your polcies", "train-on-documents"),
        ("who is running the fine-tuning lunch and learn?", None),
        # Code is not chat.
        ("```\nmodel.train(policies)\n```", None),
        ("`fine-tuning is expensive`", None),
        # A negated auxiliary before its subject asks or suggests; it does not deny.
        ("couldn't we just fine-tune it on the case files with all the SSNs?", "finetune-on-sensitive-data"),
        ("wouldn't pre-training let them customize absolutely everything?", "pretraining-customizes"),
        ("why doesn't it learn from our chats?", None),
        # A negation inside a condition is not the claim's.
        ("if it doesn't know the new fee schedule, fine-tune the fee schedule in", "finetune-teaches-facts"),
        # Someone else's claim, reported and then answered in the same message.
        ("Our sponsor thinks the AI learns from every chat; I explained that it doesn't.", None),
        (
            "The client told us inference is basically free, and we set expectations with the cost table.",
            None,
        ),
        ("The client told us inference is basically free. Can someone help me answer?", "inference-is-free"),
        # ... but our own claim stays ours, whoever asked.
        (
            "The buyer asked about accuracy and I told them the model learns from every chat.",
            "ai-learns-over-time",
        ),
        # Sarcasm markers mock the claim.
        ("oh sure, inference is basically free :roll_eyes:", None),
        # A quote introduced by a colon is reported speech.
        ("Straight from the agency's RFP: 'We want to train it on our data.'", "buyer-train-on-our-data"),
        ("Note from the county's sponsor: 'the AI will learn from our data'", "ai-learns-over-time"),
        # ... a colon after anything else introduces phrasings on display.
        ("Phrases we retire this quarter: 'the AI will learn from our data over time'", None),
        # Apostrophes inside a quote and guillemets do not break the quotation.
        ("the old slide said 'Let's fine-tune it on the patient records' and we struck it", None),
        ("I pinned «inference is basically free» as an example of a bad pitch", None),
        # The alternative chosen for that very reason.
        (
            "fine-tuning on their case notes would bake the names into the weights, which is why we use RAG",
            None,
        ),
        # A question that offers the other answer weighs both; it states neither.
        ("is the model learning from every chat, or are the weights frozen?", None),
        # Asking around is not the concept "know".
        ("does anyone know whether fine-tuning is still offered in that region?", None),
        # "wrong" as a verdict corrects; "wrong answers" does not.
        ("the model learns from every chat, which is wrong", None),
        ("ignore the odd wrong answer for now, the model learns from every chat", "ai-learns-over-time"),
        # The denial sits in the part with the claim's key word, the concepts in another part.
        ("there's no training step at all, it just reads the policy documents at question time", None),
        # A result or reason clause carries its own negation.
        (
            "the agency wants to build its own model from scratch so they are not tied to a vendor",
            "buyer-build-own-model",
        ),
        ("inference isn't free because every output token is billed at a higher rate", None),
        # "why not" suggests.
        (
            "why not fine-tune it on the case files with the SSNs, accuracy would jump",
            "finetune-on-sensitive-data",
        ),
        # "X = Y" in chat is shorthand, not code.
        ("inference = basically free, don't bother budgeting it", "inference-is-free"),
        ("```\ncost = inference_free(tokens)\n```", None),
        # "model" that is not an AI model.
        ("we're building our own model railway from scratch this winter", None),
        ("they want to build their own business model from the ground up", None),
        # More ways of answering a reported claim: set straight, shot down, jumped in, figures.
        ("Our reseller told them the bot learns from every chat. I set them straight on the call.", None),
        ("Priya proposed fine-tuning on the benefit claims; legal shot it down the same day", None),
        ("someone on the bid team told them we'd need to train a model, I jumped in: it's retrieval", None),
        ("Raj told the buyer fine-tuning costs a fortune, I followed up with the actual range", None),
        ("the sponsor expected us to train it on the permit manual. I explained the index instead", None),
        ("my colleague was convinced inference is basically free; after the demo it was clear", None),
        # ... and a reported claim nobody answered is still worth a reply.
        ("Raj told the buyer fine-tuning costs a fortune. Thoughts?", "finetuning-is-expensive"),
        # Coaching about the wording, with -ing forms and the hyphenated table headings.
        ("on the webinar, avoid implying that the assistant learns from every chat", None),
        ("what is the do-say when a buyer insists inference is basically free?", None),
        # "nothing" as the subject denies; as an amount it does not.
        ("the assistant looks the handbook up at question time, nothing gets trained", None),
        ("inference costs basically nothing once it's live", "inference-is-free"),
        # A claim supposed only to be set aside is not stated; a plain condition is.
        ("if fine-tuning really cost a fortune we'd drop it, but it's a few thousand dollars", None),
        ("even if the bot did learn from every chat we'd still need a log retention policy", None),
        (
            "hypothetically we could fine-tune on the claimant records, but the names end up in the weights",
            None,
        ),
        ("if we fine-tune it on the fee schedule, it'll know the new fees", "finetune-teaches-facts"),
        ("what if we just fine-tune it on the benefit claims with the SSNs?", "finetune-on-sensitive-data"),
        # The reason given for retrieval is an argument for it, not the claim.
        ("a fine-tuned model trained on the handbook goes stale, the main reason we pitch retrieval", None),
        # Shorthand: "FT" is fine-tuning (not after a number).
        ("FT costs an arm and a leg for a county this size", "finetuning-is-expensive"),
        ("the server rack is 6 ft tall and costs a fortune", None),
        # A claim split over two sentences, the second pointing back, is read as one.
        (
            "The archive has ten years of patient intake notes. Let's fine-tune the model on them.",
            "finetune-on-sensitive-data",
        ),
        ("The archive has ten years of patient intake notes. We won't fine-tune anything on them.", None),
        ("Procurement uploaded the vendor handbook. We'll train the reps on it next week.", None),
        # Mockery: openers that mock what follows, stretched words with a punchline.
        ("yeah let's just pre-train our own model from scratch for the library, easy", None),
        ("oh sure, and inference is basically free too", None),
        ("riiight, fine-tuning costs a fortune... all $800 of it", None),
        ("fine-tuning costs a fortune for a county this size lol, let's skip it", "finetuning-is-expensive"),
        # More ways to set a claim right, and phrase lists.
        ("the sponsor wanted to train the model on the policy binders; talked her round to retrieval", None),
        ("Lee told them it learns from their emails over time. I walked that back the next day", None),
        ("I misspoke on the call when I said it gets smarter with use", None),
        ("phrases to avoid in the proposal: 'train it on your policies'", None),
        ("zero training involved, the assistant reads the policy store at query time", None),
        # A concession's condition is supposed; its main clause may still be the claim.
        (
            "even if they run a million questions a month through it, the api bill will be pocket change",
            "inference-is-free",
        ),
        ("had we fine-tuned on the patient records, the names would sit in the weights", None),
        # Cues that only look like denials.
        ("inference is basically free, don't sweat the token bill", "inference-is-free"),
        # A verdict on a reported claim, and the speaker's own slips, are corrections.
        ("a vendor on the panel said NIST doesn't cover training, which is not right", None),
        ("I keep catching myself saying the bot learns from every chat, need to stop", None),
        ("the draft said pre-training gives full customization; legal had us remove it", None),
        # Asking what a buyer means is triage, not the claim.
        ("when the state says they want it trained on their data, do they mean documents or tone?", None),
        # Counterfactuals: a world that is not this one.
        ("sure, they could build their own model from scratch, if they had nine figures to spare", None),
        ("if the assistant learned from our chats it would be fluent in expense-report complaints", None),
        (
            "if they pretrained their own version couldn't they customize every bit of it?",
            "pretraining-customizes",
        ),
        # Concluding for retrieval is not the claim.
        ("even if we trained on every manual we'd have to redo it each quarter, so retrieval it is", None),
        # An option weighed and dropped in the same sentence is not proposed.
        ("we considered fine-tuning it on the permit manual, but retrieval made more sense", None),
        ("was tempted to say inference is basically free, but output tokens add up", None),
        ("we weighed fine-tuning the regulations in so it knows them, but it only changes behaviour", None),
        ("we considered fine-tuning it on the permit manual so it knows the fees", "finetune-teaches-facts"),
        # Ideas reported without a speaker, and our own first assumptions, when answered.
        ("pre-training for total control came up on the call and got dropped once the cost was clear", None),
        ("at first I assumed we'd need to train a model for this; turns out retrieval covers it", None),
        ("the controller thought tokens were basically free; we modeled it out at $400 a month", None),
        # "had it been ..." is a counterfactual for the whole clause.
        ("had it been a national lab, building their own model from scratch might make sense", None),
        # Options turned down later in the message, quotes answered, phrase reviews.
        (
            "We considered training it on the whole handbook and decided against it: retrieval cites sources",
            None,
        ),
        (
            "Fine-tuning on the raw case notes was on the whiteboard for a minute before we crossed it out.",
            None,
        ),
        ("One option was fine-tuning on the unredacted intake forms. Security killed it.", None),
        (
            "From the RFP Q&A: 'will the model learn from our data over time?' We answered: the index.",
            None,
        ),
        ("reviewers: flag any sentence that implies inference is basically free", None),
        # Mockery openers, and the offers that look like them.
        ("sure, free inference, like free kittens", None),
        ("yeah the assistant totally learns from every chat overnight", None),
        (
            "Sure, we can customize the model for your use case, that's part of the package.",
            "customize-vaguely",
        ),
        # People improving the system is not the model learning.
        ("the model is frozen; we improve it by updating the index every week", None),
        # Fine-tuning methods by name, and typos of pre-training.
        ("a LoRA pass over the new fee manual will put the fees into the model", "finetune-teaches-facts"),
        ("pretraning our own would let us customise every part of it", "pretraining-customizes"),
        # From set I: a change of mind, "in theory", "told them no", a phrase list, "had they really ...".
        ("I considered proposing we train it on the handbook, then remembered it changes monthly", None),
        ("we could in theory pre-train something bespoke for total control, but not at $100M", None),
        ("the clerk asked if fine-tuning = training it on their data; told them no, it is for tone", None),
        ("phrases to retire this quarter: inference is basically nothing", None),
        ("had they really needed a model trained for it I'd have said so, but it is a lookup", None),
        (
            "the agency does not trust vendor models and wants to build its own model from scratch",
            "buyer-build-own-model",
        ),
        ("inference is basically free so don't bother forecasting tokens", "inference-is-free"),
        # From set L: a question turned down at once; an edit striking the line; a reply to "you asked".
        ("fine-tune on the inmate case files? no way, the names would sit in the weights", None),
        ("two edits: cut the line about the model picking things up from staff over time", None),
        (
            "You asked whether we could train the assistant on your data. We looked at it: retrieval fits.",
            None,
        ),
        ("They opened with 'we want it trained on our data'. We asked what data; it is their catalog.", None),
        ("the assistant reads your training bulletins as a searchable library at question time", None),
        ("each policy change would need another training run, so the manuals go in the index", None),
        # From set M: more counterfactuals, answers, coaching and transcripts.
        ("In a world where pre-training gave you total control for cheap, sure. In this one, no.", None),
        ("were NIST silent on training we would need another framework, but it is not", None),
        ("had we gone the fine-tune route for the rules, every change would mean a retrain", None),
        ("the county wanted to build their own model from scratch until they heard the price", None),
        ("my manager used to say the AI learns over time; he has stopped", None),
        ("Coaching note: the slip we hear most is describing the model as learning from usage", None),
        ('Client: "can you train it on our SOPs?" Me: we index them so it reads the current version.', None),
        ("the state CIO told us: we want to train it on our data", "buyer-train-on-our-data"),
        (
            "the director asked if fine-tuning would teach it the new rules. I said no, that is retrieval.",
            None,
        ),
        (
            "Their GM wants to train it on their data. I said no problem, we can customize the model.",
            "buyer-train-on-our-data",
        ),
        ('love how "it depends" means absolutely nothing every time someone says it', None),
        # "we're training" is "we are training" (not "we'retraining"); a hyphenated word may sit inside a
        # phrase term ("huge fine-tuning cost" ~ "huge cost").
        (
            "who is collecting the policy manuals we're training it on so it answers staff?",
            "train-on-documents",
        ),
        ("how do we justify the huge fine-tuning cost to their finance team?", "finetuning-is-expensive"),
        ("nist dosent really touch model training afaik", "nist-ignores-training"),
        # An RFP speaking for the buyer; documents in a shared drive; a cost the speaker can absorb.
        (
            "The Contractor shall train the AI solution on University-provided data.",
            "buyer-train-on-our-data",
        ),
        ("my plan: we train the model on their whole shared drive of permit rules", "train-on-documents"),
        ("retrieval pilot: cheap, we can absorb some of it", None),
        ("building a model from scratch only makes sense for a national lab", None),
        # A buyer's words in a forwarded email are the buyer's request; someone's claim quoted stays quoted.
        (
            "Forwarding from the county, see below.\n> Our ask is that the assistant be trained on our data.",
            "buyer-train-on-our-data",
        ),
        (
            "Forwarding from the county, see below.\n> We assume the AI will learn from our data over time.",
            None,
        ),
        # From sets N and O: reviews of someone's wording and planned corrections are meta-talk.
        ("Your email says inference is basically free. I would rewrite that with a range.", None),
        ("in the intro you wrote that they want to build their own model from scratch. can you fix?", None),
        ("one flag: 'we will train it on your data' in the cover letter reads like a promise", None),
        ("gonna redirect the 'build our own model from the ground up' ask to a RAG conversation", None),
        ("tomorrow I'm fixing the slide that equates fine-tuning with teaching it facts", None),
        ("the thing reps most often get wrong is saying the AI learns from chats over time", None),
        ("RFP Q22: 'Describe whether the solution learns from agency data over time.'", None),
        # Options weighed and dropped in the same sentence, and a question turned down after a lead-in.
        ("we could fine-tune on their case files, but memorization risk kills that idea", None),
        ("one option would be training our own model from scratch; not worth it", None),
        (
            "could we fine-tune on the call transcripts with PII? technically yes, governance-wise no way",
            None,
        ),
        ("next someone will tell me the chatbot learns from emoji reactions lol", None),
        # ... while a plain proposal is still a claim.
        ("we could train it on your policies so it answers staff questions", "train-on-documents"),
        # A quote the writer endorses is the writer's claim; one they object to stays a quote.
        (
            'FW from finance, fully agree: "fine-tuning is way too expensive for this fiscal year"',
            "finetuning-is-expensive",
        ),
        (
            '> "We will train the assistant on your policy manuals."\nplease stop putting this in proposals',
            None,
        ),
        # "tune" alone for a model is fine-tuning; for a prompt or a search it is not.
        ("we'll tune it on the patient intake records, names and all", "finetune-on-sensitive-data"),
        ("we tuned the search ranking on the patient intake records", None),
        # From set P: a reported claim answered by "told them ..." or "our response clarifies"; talk about
        # the phrasebook's scenarios; a sentence judging the one before; "maybe, but"; "oh wonderful".
        (
            "they asked if fine-tuning is training on their data. told them it changes behaviour, not facts",
            None,
        ),
        ("the RFP assumed the tool learns from every interaction. Our response clarifies it does not", None),
        ("added the build-our-own-model scenario to the onboarding deck", None),
        ("Earlier I wrote that inference costs basically nothing. That was wrong: it is per token.", None),
        (
            "Would it be easier to just train it on their policies? Maybe, but every update means a retrain.",
            None,
        ),
        (
            "Oh wonderful, another county that wants to build their own foundation model on a small grant",
            None,
        ),
        ("a red X next to it in the slide", None),
        # From set R (near-misses on purpose): other NIST documents and staff training; people being trained;
        # data models and BI tools; fine-tuning a pitch or a config; pre-training weeks for volunteers.
        ("our annual security awareness training for NIST 800-53 doesn't really cover AI", None),
        ("HR wants us to train the supervisors on our own records procedures", None),
        ("the county is building its own data model in the warehouse from the ground up", None),
        ("for that chart you'd need to build a new model in Power BI", None),
        ("fine-tuning the Postgres config is expensive in consultant hours", None),
        ("marketing fine-tuned their email campaigns on customer purchase data in HubSpot", None),
        ("the volunteers' pre-training week is fully customizable per site", None),
        ("pre-training builds the weights from scratch over months", None),
        ("there's zero model training involved in what they asked for", None),
        # Double negation, counterfactual "if it did", planned answers, "assume", "that's a no", mockery.
        ("NIST doesn't skip training at all; the profile talks about it directly", None),
        (
            "if it did learn from every chat, one bad user could poison it, which is exactly why it doesn't",
            None,
        ),
        ("if the council asks whether it learns over time, my answer is that the model is fixed", None),
        ("assume NIST said nothing about fine-tuning: we would still document the data", None),
        (
            "we could fine-tune on the claims data, but it would sit in the weights for good, so that's a no",
            None,
        ),
        ("great idea, let's train it on the policy binder and retrain every time HR fixes a typo", None),
        ("let's fine-tune it on everyone's SSNs, what's the worst that could happen", None),
        ("how much would inference run at 50K queries a month, is it negligible or real money?", None),
        ("has any agency we work with ever needed its own model built from scratch?", None),
        # ... and the claims those near-misses border on still fire.
        (
            "if they want it to flag fraudulent invoices, we'll have to train a model for that",
            "need-to-train-model",
        ),
        ("nist 600-1 doesn't say anything about how models get trained", "nist-ignores-training"),
        ("how many GPUs would we need to build our own model from the ground up?", "buyer-build-own-model"),
        # From set Q: struck-out phrasings are on display; a struck word is simply gone.
        ("slide 9 title: ~fine-tuning is way too pricey~ :x: with the real range underneath", None),
        ("*FYI* NIST AI 600-1 ~covers~ doesn't cover training, only use", "nist-ignores-training"),
        # Options discussed and dropped; reported claims ended by a demo or a triage call.
        ("We discussed fine-tuning on the resident records and decided against it.", None),
        ("Tempting to call inference negligible, but at 3M calls a year it is a real line item.", None),
        ("We could train it on their policies, but every update means retraining, so no, retrieval.", None),
        (
            "Their consultant kept saying we'd need to train a model. We demoed retrieval and that ended it.",
            None,
        ),
        (
            "The county asked us to train it on their data. The triage call showed it's their style guide.",
            None,
        ),
        ("Legal aid director heard fine-tuning costs six figures. I showed her the real band.", None),
        (
            "the county asked if we could train the assistant on their data, can you join the follow-up?",
            "buyer-train-on-our-data",
        ),
        # "from scratch that's theirs" is not "scratch that"; "if they really want" is sincere.
        (
            "the DA's office asked whether we could build them a model from scratch that's theirs alone",
            "buyer-build-own-model",
        ),
        (
            "if they really want total control over how it behaves, pre-training is the route",
            "pretraining-customizes",
        ),
        (
            "we would have to re-fine-tune the model every month so it knows the new case law",
            "finetune-teaches-facts",
        ),
        # From set S: counterfactuals with any subject; a condition the next sentence denies; "called it out";
        # "had to follow up"; mockery (", yep", "a whole few thousand dollars"); "promise" and "not how" are
        # their own sentence's business; "was going to say we ..." proposes.
        ("If fine-tuning taught facts we would have to re-run it every time a reg changed.", None),
        ("If pre-training let you customize everything cheaply, every agency would. It doesn't.", None),
        ("A vendor rep said fine-tuning teaches the model new facts. Someone called it out.", None),
        ("Sam said running the model is basically free. Had to follow up with the per-token table.", None),
        ("Fine-tuning is SO expensive, a whole few thousand dollars, how will the state ever survive", None),
        ("Totally need a brand-new trained model to tell people when the DMV opens, yep", None),
        (
            "Nice demo! fine-tuning is going to be really expensive for them, so maybe we don't promise it.",
            "finetuning-is-expensive",
        ),
        (
            "NIST is about how you use and monitor the AI, not how it's built or trained",
            "nist-ignores-training",
        ),
        (
            "I was going to say we train the AI on their policy manuals so it answers requests. Thoughts?",
            "train-on-documents",
        ),
        ("so we just tell them we can customize the model for their use case, right?", "customize-vaguely"),
        ("Pick the cheapest model that passes the eval; model choice is the cost lever on inference.", None),
        # An entry whose claim is itself negative needs no extra margin for a negated match.
        (
            "The NIST framework doesn't get into how models are trained, so skip that in the matrix.",
            "nist-ignores-training",
        ),
        ("we are not going to fine-tune on their customer data, NIST flags memorization as a risk", None),
        ("is the NIST-doesn't-cover-training entry mapped to section 2.4?", None),
        # From set T: a question answered "no" in the next breath; scenario cards, corrections, test cases.
        ("Would we need to train a model for the redaction? Ran it past Priya: no, a prompt does it.", None),
        ("what if we fine-tuned on the taxpayer data? short answer: memorization risk, don't.", None),
        ('Scenario card: buyer says "we want to train it on our data". Your move: ask what data.', None),
        (
            "earlier I said we'd customize the model for their use case. correction: fine-tune the format",
            None,
        ),
        (
            "writing a test case where someone says the model learns over time; what's the expected reply?",
            None,
        ),
        (
            "If the answers get better over the pilot, it will be because we added documents to the index",
            None,
        ),
        # From set U (long messages): pasted threads where a later turn answers; editing notes; options
        # with a plan or a suggestion dropped; a customer as a buyer is no sensitive data.
        (
            "[4:40] Dana: tokens are basically free, skip the usage line\n"
            "[4:42] Ari: we got a $9K bill, so no\n"
            "[4:42] Dana: ok fair",
            None,
        ),
        (
            "[3:30] Lee: the triage bot will need its own trained model, right?\n[3:32] Sam: nope, a prompt",
            None,
        ),
        (
            "[3:30] Lee: the triage bot will need its own trained model, right?\n[3:32] Sam: let's ask Priya",
            "need-to-train-model",
        ),
        ("we removed the sentence saying the assistant improves automatically from conversations", None),
        ("the old draft said the contractor would train the assistant on the directives; replaced", None),
        ("The suggestion to fine-tune on the unredacted claimant files is off the table.", None),
        ("the plan to fine-tune on the leave policy so it learns the details won't work as intended", None),
        ("We did consider fine-tuning on the claimant letters. We dropped it because of the SSNs.", None),
        (
            "Earlier I told them they'd need a custom-trained model for this. Walking that back: retrieval.",
            None,
        ),
        (
            "If a customer pauses usage, the hosting charge continues. Include this in a fine-tuning quote.",
            None,
        ),
        ("grab the DMV customer export & we'll fine-tune on it this sprint", "finetune-on-sensitive-data"),
        # From set V: "Only if ..." answers a question; "Nope", "on board with", "pushed for retrieval",
        # "unpacking it" answer a report; "if we told them ... would"; "hear me out".
        ("Would we need to train a model for this? Only if retrieval fails, and it won't.", None),
        (
            "The customer assumed they'd need a whole new model for Spanish. Nope, the base model does it.",
            None,
        ),
        (
            "their CTO kept saying it needs training on the case docs. by the end he was on board with RAG",
            None,
        ),
        (
            "Someone suggested fine-tuning on the claimant records. We pushed for retrieval and they agreed.",
            None,
        ),
        ("If we told them we'd train it on their policies, the answers would be stale by spring.", None),
        (
            "Yes Kevin, we absolutely need to train a bespoke model for notes. Or, hear me out, a prompt.",
            None,
        ),
        (
            "the provost said what they really want is their own model built from scratch",
            "buyer-build-own-model",
        ),
        # From set X: "they meant", "I asked whether", "I've fixed slide 7", "v2 removes that line",
        # "the pre-training entry", "who decides whether" are answers, edits and questions; idioms are claims.
        ('the buyer\'s email says "build our own model" but they meant a dedicated tenant', None),
        (
            "legal asked if we'd customize the model for their use case; I asked whether they need behaviour",
            None,
        ),
        ("Priya's deck said pre-training allows total customization, I've fixed slide 7", None),
        ("old proposal claimed the bot learns from feedback; v2 removes that line", None),
        ("who owns the YAML for the pre-training entry?", None),
        ("who decides whether a use case needs a new model or just retrieval?", None),
        ("once it's deployed, running it is on the house", "inference-is-free"),
        ("free lunch on Friday for the API team", None),
        ("it learns from all the convos so it gets better over time", "ai-learns-over-time"),
        # From set W: people trained on our data; a slide replaced; "a whole... three thousand dollars";
        # "retrieval is the safer call"; "do we know if ..."; no delete button.
        ("We're training the contractors on our data-handling policy next Tuesday", None),
        ("old deck said pre-training lets you customize it completely, I replaced that slide", None),
        ("fine-tuning is SO expensive, a whole... three thousand dollars. call the CFO", None),
        ("we could fine-tune on the customer tickets, but retrieval is the safer call", None),
        ("do we know if that vendor's fine-tuning is still open to new customers?", None),
        ("fine-tuning bakes whatever you train on into the weights, there's no delete button later", None),
        # From set Y: a word or two in backticks is emphasis, not code; "hypothetically, ..." supposes the
        # whole clause; "so usage / so no need" is a result clause of its own; people learn; ever realistic?
        ("`fine-tune` = $$$$, not happening on a pilot budget", "finetuning-is-expensive"),
        ("`model.fine_tune(data)` kicked off", None),
        (
            "hypothetically, fine-tuning on the patient notes would make it sound clinical, but we're not",
            None,
        ),
        ("inference is basically free so usage won't hit their budget", "inference-is-free"),
        ("usage is basically free so no need for a consumption estimate", "inference-is-free"),
        ("Jake is new to the team but he learns fast, he'll pick it up over time", None),
        ("Is pre-training ever realistic for a government customer?", None),
        ("If the buyer insists on training it on their data we'll triage first", None),
        ("Customer had the idea the bot improves from their conversations. We explained the index.", None),
        (
            "Can you tell the buyer we can customise the model to their use case, or do you want me to?",
            "customize-vaguely",
        ),
        # From set Z: "had we told them ..." is a counterfactual; "after we talked costs they're happy with
        # retrieval" answers.
        ("had we told them inference was free, the first invoice would have ended the contract", None),
        (
            "they wanted their own model from scratch, but after we talked they're happy with retrieval",
            None,
        ),
        # From set AA: an option weighed and dropped is set aside whatever leads it ("sure, we could ..., but
        # ... no"); "not how frozen weights work"; interns learn; "they thanked us", "I said that is ...".
        (
            "sure, we could fine-tune on the case files, but then the PII sits in the weights forever, no",
            None,
        ),
        ("we could tell them it'll keep improving by itself, but that's not how frozen weights work", None),
        ("the intern is picking up our jargon over time, it's adorable", None),
        (
            "procurement thought usage would be basically free; we added a token budget and they thanked us",
            None,
        ),
        (
            "they'd heard pre-training lets you shape everything. I said that is a nine-figure vendor job",
            None,
        ),
        ("we could train it on their SOPs, but every SOP change means a retrain. retrieval it is.", None),
        # From set AB: "fine with a hosted model after the cost slide" answers; "... totally." and "cool cool"
        # mock; "we *could* ..., except then ... pass." drops an option.
        (
            "the ministry wanted its own model from scratch, but after the cost slide they're fine with RAG",
            None,
        ),
        ("cool cool, so we need to train a brand-new model to summarize a PDF. totally.", None),
        (
            "we *could* train it on the permit manuals, except then every amendment means a new run. pass.",
            None,
        ),
        # A tag question keeps the claim: "..., no?" is not an option dropped.
        ("we could train it on your policies, no?", "train-on-documents"),
        # From set AC: "whoever wrote ... under WRONG"; "but the base model already handles it"; "love when
        # ... great career move"; "...? Only with $100M"; "Answer we gave: no".
        (
            "whoever wrote 'fine-tuning = training it on your data' on the whiteboard under WRONG, thanks",
            None,
        ),
        ("a rep said we'd need to train a model for Spanish, but the base model already handles it", None),
        ("love when a rep tells a CISO fine-tuning on PII is fine. great career move", None),
        ("Pre-training as a customization route? Only with $100M and a research lab.", None),
        ("Legal asked if the model would keep learning from chats. Answer we gave: no.", None),
        # From set AD: "I changed it", "that settled it", "after two questions it was really RAG", a draft
        # deleted, "scrap that"; phrase reports; "and I suppose ..."; "nothing says ... like ..."; toddlers
        # learn; a Visio model of the org chart.
        (
            "the intern wrote 'fine-tuning is basically training it on your data' in the draft, I changed it",
            None,
        ),
        ("legal was worried it would learn from staff emails over time. it doesn't, that settled it", None),
        (
            "buyer asked to train it on their data; after two questions it was really RAG over their SOPs",
            None,
        ),
        ("I drafted a version where we fine-tune on their complaint records, and then deleted it.", None),
        (
            "one option was training our own model for the grants tool, but retrieval is fine, scrap that",
            None,
        ),
        ("Top three phrases reps got flagged for this month: fine-tuning is expensive.", None),
        ("and I suppose fine-tuning will make it memorize the new tax code too", None),
        ("nothing says 'we read the docs' like calling per-token pricing free", None),
        ("my toddler learns three new words a day, it's wild", None),
        ("they want to build their own model of the org chart in Visio", None),
        # Markup is stripped before matching.
        (
            "<@U024BE7LH> <at>dosay</at> fine tuning is way too expensive :money_with_wings:",
            "finetuning-is-expensive",
        ),
    ],
)
def test_rule(text: str, expected: str | None) -> None:
    assert best(text) == expected, MATCHER.candidates(text)


def _candidate(entry: str, score: float) -> Candidate:
    return Candidate(entry=entry, score=score, clause="c", trigger="t", suppressed_by=None)


def test_a_more_specific_entry_goes_first_on_a_near_tie() -> None:
    entries = MATCHER.phrasebook.entries
    assert "train-on-documents" in entries["finetune-teaches-facts"].outranks
    generic, specific = _candidate("train-on-documents", 0.70), _candidate("finetune-teaches-facts", 0.67)
    assert [c.entry for c in _prefer_specific([generic, specific], entries)] == [
        "finetune-teaches-facts",
        "train-on-documents",
    ]
    # ... but not when it trails by more than the margin, nor when no entry outranks the best.
    far = _candidate("finetune-teaches-facts", 0.70 - OUTRANK_MARGIN - 0.01)
    assert _prefer_specific([generic, far], entries)[0].entry == "train-on-documents"
    other = _candidate("inference-is-free", 0.69)
    assert _prefer_specific([generic, other], entries)[0].entry == "train-on-documents"
