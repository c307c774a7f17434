// Tiny Block Kit builders that enforce Slack's per-block limits (SLACK.md §3) by truncation.
//
// Conventions: `header`, `button` and `confirmDialog` take RAW text (they escape it themselves; plain_text
// never carries markup). `section`, `fields` and `context` take mrkdwn that the caller has already built
// from escaped pieces.
import type {
  ActionsBlock,
  Button,
  ConfirmationDialog,
  ContextBlock,
  DividerBlock,
  HeaderBlock,
  InputBlock,
  InputBlockElement,
  ModalView,
  MrkdwnElement,
  PlainTextElement,
  PlainTextInput,
  PlainTextOption,
  SectionBlock,
} from '@slack/types';
import { esc, truncate, truncateMrkdwn } from './escape.js';

export const LIMITS = {
  header: 150,
  section: 3000,
  fields: 10,
  field: 2000,
  contextElements: 10,
  contextText: 2000,
  buttonText: 75,
  buttonValue: 2000,
  actionsElements: 25,
  confirmTitle: 100,
  confirmText: 300,
  confirmButton: 30,
  optionText: 75,
  optionValue: 150,
  inputLabel: 2000,
  modalTitle: 24,
  modalButton: 24,
  privateMetadata: 3000,
  menuOptions: 100,
} as const;

/** Slack rejects empty text objects. */
const nonEmpty = (s: string): string => (s.trim() === '' ? '\u200b' : s);

export function plain(text: string, max: number): PlainTextElement {
  return { type: 'plain_text', text: nonEmpty(truncate(esc(text), max)), emoji: true };
}

export function mrkdwn(text: string, max: number = LIMITS.section): MrkdwnElement {
  return { type: 'mrkdwn', text: nonEmpty(truncateMrkdwn(text, max)) };
}

export function header(text: string): HeaderBlock {
  return { type: 'header', text: plain(text.replace(/\s+/g, ' ').trim(), LIMITS.header) };
}

export function section(text: string, accessory?: Button): SectionBlock {
  const block: SectionBlock = { type: 'section', text: mrkdwn(text, LIMITS.section) };
  if (accessory) block.accessory = accessory;
  return block;
}

/**
 * Label/value pairs as section fields (`*label*\nvalue`): at most 10 per section, so more pairs make more
 * sections. Labels are raw text; values are mrkdwn (empty → `—`).
 */
export function fields(pairs: Array<[label: string, value: string]>): SectionBlock[] {
  const out: SectionBlock[] = [];
  for (let i = 0; i < pairs.length; i += LIMITS.fields) {
    out.push({
      type: 'section',
      fields: pairs
        .slice(i, i + LIMITS.fields)
        .map(([label, value]) =>
          mrkdwn(`*${esc(label)}*\n${value.trim() === '' ? '—' : value}`, LIMITS.field),
        ),
    });
  }
  return out;
}

/** A context line; more than 10 elements are folded into the tenth. */
export function context(elements: string[]): ContextBlock {
  const items = elements.filter((e) => e.trim() !== '');
  if (items.length === 0) items.push('\u200b');
  const head = items.slice(0, LIMITS.contextElements - 1);
  const rest = items.slice(LIMITS.contextElements - 1);
  if (rest.length > 0) head.push(rest.join(' · '));
  return { type: 'context', elements: head.map((e) => mrkdwn(e, LIMITS.contextText)) };
}

export function divider(): DividerBlock {
  return { type: 'divider' };
}

export function button(
  text: string,
  actionId: string,
  value: string,
  style?: 'primary' | 'danger',
  confirm?: ConfirmationDialog,
): Button {
  const b: Button = {
    type: 'button',
    text: plain(text, LIMITS.buttonText),
    action_id: actionId,
    value: value.slice(0, LIMITS.buttonValue),
  };
  if (style) b.style = style;
  if (confirm) b.confirm = confirm;
  return b;
}

/**
 * An actions block of at most 25 buttons. Repeated action_ids get a `:n` suffix (`mms_run`, `mms_run:1`,
 * `mms_run:2`…) so each is unique within the block.
 */
export function actions(buttons: Button[]): ActionsBlock {
  const seen = new Map<string, number>();
  const elements = buttons.slice(0, LIMITS.actionsElements).map((b) => {
    const base = (b.action_id ?? 'button').replace(/:\d+$/, '');
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    return n === 0 ? { ...b, action_id: base } : { ...b, action_id: `${base}:${n}` };
  });
  return { type: 'actions', elements };
}

/** A Block Kit confirm object (a speed bump on destructive buttons). All texts raw. */
export function confirmDialog(
  title: string,
  text: string,
  confirm = 'Continue',
  deny = 'Back',
  style: 'primary' | 'danger' = 'danger',
): ConfirmationDialog {
  return {
    title: plain(title, LIMITS.confirmTitle),
    text: plain(text, LIMITS.confirmText),
    confirm: plain(confirm, LIMITS.confirmButton),
    deny: plain(deny, LIMITS.confirmButton),
    style,
  };
}

// ---- modals ----

/** A menu option: `text` raw (escaped), `value` as given (what the submission carries back). */
export function option(text: string, value: string = text): PlainTextOption {
  return { text: plain(text, LIMITS.optionText), value: value.slice(0, LIMITS.optionValue) };
}

export interface InputOptions {
  optional?: boolean;
  /** Changes send a block action at once (a select that fills the rest of the form). */
  dispatchAction?: boolean;
  /** Raw help text under the field. */
  hint?: string;
}

/** An input block; `label` and `hint` raw. */
export function input(
  blockId: string,
  label: string,
  element: InputBlockElement,
  o: InputOptions = {},
): InputBlock {
  const block: InputBlock = {
    type: 'input',
    block_id: blockId,
    label: plain(label, LIMITS.inputLabel),
    element,
  };
  if (o.optional) block.optional = true;
  if (o.dispatchAction) block.dispatch_action = true;
  if (o.hint) block.hint = plain(o.hint, LIMITS.inputLabel);
  return block;
}

export function textInput(actionId: string, placeholder: string, multiline = false): PlainTextInput {
  return {
    type: 'plain_text_input',
    action_id: actionId,
    multiline,
    max_length: 3000,
    placeholder: plain(placeholder, 150),
  };
}

export function staticSelect(
  actionId: string,
  placeholder: string,
  options: PlainTextOption[],
  initial?: PlainTextOption,
): InputBlockElement {
  return {
    type: 'static_select',
    action_id: actionId,
    placeholder: plain(placeholder, 150),
    options: options.slice(0, LIMITS.menuOptions),
    ...(initial ? { initial_option: initial } : {}),
  };
}

export function multiSelect(
  actionId: string,
  placeholder: string,
  options: PlainTextOption[],
  initial: PlainTextOption[] = [],
): InputBlockElement {
  return {
    type: 'multi_static_select',
    action_id: actionId,
    placeholder: plain(placeholder, 150),
    options: options.slice(0, LIMITS.menuOptions),
    ...(initial.length ? { initial_options: initial } : {}),
  };
}

export function checkboxes(
  actionId: string,
  options: PlainTextOption[],
  initial: PlainTextOption[] = [],
): InputBlockElement {
  return {
    type: 'checkboxes',
    action_id: actionId,
    options,
    ...(initial.length ? { initial_options: initial } : {}),
  };
}

export function radios(
  actionId: string,
  options: PlainTextOption[],
  initial?: PlainTextOption,
): InputBlockElement {
  return {
    type: 'radio_buttons',
    action_id: actionId,
    options,
    ...(initial ? { initial_option: initial } : {}),
  };
}

export interface ModalSpec {
  callbackId: string;
  title: string;
  close: string;
  /** No submit button when absent (a message-only modal). */
  submit?: string;
  privateMetadata: string;
  blocks: ModalView['blocks'];
}

/** A modal view; texts raw. */
export function modal(m: ModalSpec): ModalView {
  return {
    type: 'modal',
    callback_id: m.callbackId,
    title: plain(m.title, LIMITS.modalTitle),
    close: plain(m.close, LIMITS.modalButton),
    ...(m.submit ? { submit: plain(m.submit, LIMITS.modalButton) } : {}),
    private_metadata: m.privateMetadata.slice(0, LIMITS.privateMetadata),
    blocks: m.blocks,
  };
}
