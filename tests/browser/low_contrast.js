// For page.evaluate: every visible element with its own text whose colour on its background is below
// WCAG 2.1 AA (4.5:1; 3:1 for large text). The background is the nearest ancestor's opaque one.
() => {
  const rgb = (css) => {
    const parts = css.match(/rgba?\(([^)]+)\)/)[1].split(",").map(Number);
    return { r: parts[0], g: parts[1], b: parts[2], a: parts.length > 3 ? parts[3] : 1 };
  };
  const channel = (v) => {
    const c = v / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  const luminance = (c) => 0.2126 * channel(c.r) + 0.7152 * channel(c.g) + 0.0722 * channel(c.b);
  const background = (el) => {
    for (let node = el; node; node = node.parentElement) {
      const colour = rgb(getComputedStyle(node).backgroundColor);
      if (colour.a > 0.5) return colour;
    }
    return { r: 255, g: 255, b: 255, a: 1 };
  };
  const low = [];
  for (const el of document.querySelectorAll("body *")) {
    if (el.offsetParent === null || el.disabled) continue;
    if (![...el.childNodes].some((n) => n.nodeType === Node.TEXT_NODE && n.textContent.trim())) continue;
    const style = getComputedStyle(el);
    const [fg, bg] = [luminance(rgb(style.color)), luminance(background(el))];
    const ratio = (Math.max(fg, bg) + 0.05) / (Math.min(fg, bg) + 0.05);
    const size = parseFloat(style.fontSize);
    const large = size >= 24 || (parseInt(style.fontWeight, 10) >= 700 && size >= 18.66);
    if (ratio < (large ? 3 : 4.5)) {
      low.push(`${el.tagName}.${el.className} ${ratio.toFixed(2)}:1 "${el.textContent.trim().slice(0, 40)}"`);
    }
  }
  return low;
}
