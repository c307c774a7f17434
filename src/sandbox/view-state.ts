// A view's input values as the page sends them (plain strings, lists, null) → `view.state.values` as Slack
// sends it, shaped by each element's type in the view definition (options carry their labels).
type Obj = Record<string, unknown>;

/** One input's value as the page holds it: text, a choice, several choices, or nothing. */
export type SimpleValue = string | string[] | null;
/** `values[blockId][actionId]`. */
export type SimpleValues = Record<string, Record<string, SimpleValue>>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The block id the page and the server both use: the block's own, else `b<index>`. */
export function blockIdOf(block: Obj, index: number): string {
  return typeof block.block_id === 'string' && block.block_id !== '' ? block.block_id : `b${index}`;
}

/** The action id the page and the server both use: the element's own, else `a<index>`. */
export function actionIdOf(element: Obj, index: number): string {
  return typeof element.action_id === 'string' && element.action_id !== '' ? element.action_id : `a${index}`;
}

/** Every input element of a view: `[blockId, actionId, element]`. */
export function inputElements(view: unknown): Array<[string, string, Obj]> {
  if (!isObj(view) || !Array.isArray(view.blocks)) return [];
  const out: Array<[string, string, Obj]> = [];
  view.blocks.forEach((b, i) => {
    if (isObj(b) && b.type === 'input' && isObj(b.element)) {
      out.push([blockIdOf(b, i), actionIdOf(b.element, 0), b.element]);
    }
  });
  return out;
}

/** The options an element offers (flat, option groups included). */
export function optionsOf(element: Obj): Obj[] {
  const flat = Array.isArray(element.options) ? element.options : [];
  const groups = Array.isArray(element.option_groups) ? element.option_groups : [];
  const grouped = groups.flatMap((g) => (isObj(g) && Array.isArray(g.options) ? g.options : []));
  return [...flat, ...grouped].filter(isObj);
}

function option(element: Obj, value: string): Obj {
  const found = optionsOf(element).find((o) => o.value === value);
  return found ? structuredClone(found) : { text: { type: 'plain_text', text: value, emoji: true }, value };
}

const first = (v: SimpleValue | undefined): string | null =>
  Array.isArray(v) ? (v[0] ?? null) : v === undefined || v === '' ? null : v;
const many = (v: SimpleValue | undefined): string[] =>
  Array.isArray(v) ? v : v === undefined || v === null || v === '' ? [] : [v];

/** One element's state entry, as Slack shapes it for that element type. */
export function stateEntry(element: Obj, v: SimpleValue | undefined): Obj {
  const type = typeof element.type === 'string' ? element.type : 'plain_text_input';
  switch (type) {
    case 'static_select':
    case 'external_select':
    case 'radio_buttons': {
      const value = first(v);
      return { type, selected_option: value === null ? null : option(element, value) };
    }
    case 'multi_static_select':
    case 'multi_external_select':
    case 'checkboxes':
      return { type, selected_options: many(v).map((x) => option(element, x)) };
    case 'users_select':
      return { type, selected_user: first(v) };
    case 'multi_users_select':
      return { type, selected_users: many(v) };
    case 'conversations_select':
      return { type, selected_conversation: first(v) };
    case 'multi_conversations_select':
      return { type, selected_conversations: many(v) };
    case 'channels_select':
      return { type, selected_channel: first(v) };
    case 'datepicker':
      return { type, selected_date: first(v) };
    case 'timepicker':
      return { type, selected_time: first(v) };
    default:
      // plain_text_input, number_input, email_text_input, url_text_input…
      return { type, value: first(v) };
  }
}

/** `view.state.values` for every input of `view`, filled from `values` (missing inputs are empty). */
export function stateValues(view: unknown, values: SimpleValues): Record<string, Record<string, unknown>> {
  const out: Record<string, Record<string, unknown>> = {};
  for (const [blockId, actionId, element] of inputElements(view)) {
    out[blockId] = { [actionId]: stateEntry(element, values[blockId]?.[actionId]) };
  }
  return out;
}
