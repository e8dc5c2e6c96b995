// DOM helpers of the plan review page. Text is always inserted as text, never as HTML.

/** An element with attributes and children (strings become text nodes). */
export function el(tag: string, attrs: Record<string, string>, ...children: (Node | string)[]): HTMLElement {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  e.append(...children);
  return e;
}
