// Block Kit validation as Slack's API does it: each broken rule becomes one message naming the JSON pointer of the
// offending value, in Slack's own wording ("must be less than 3001 characters [json-pointer:/blocks/0/text/text]").
// Limits come from @slack/types 3.2.0 and docs.slack.dev; block and element type lists mirror the @slack/types unions.

export const BLOCK_KIT_LIMITS = {
  messageBlocks: 50,
  viewBlocks: 100,
  sectionText: 3000,
  sectionFields: 10,
  sectionFieldText: 2000,
  headerText: 150,
  id: 255,
  buttonText: 75,
  buttonValue: 2000,
  url: 3000,
  accessibilityLabel: 75,
  contextElements: 10,
  actionsElements: 25,
  confirmTitle: 100,
  confirmText: 300,
  confirmButton: 30,
  plainTextInputValue: 3000,
  plainTextInputLength: 3000,
  inputLabel: 2000,
  inputHint: 2000,
  imageAltText: 2000,
  imageTitle: 2000,
  placeholder: 150,
  markdownText: 12000,
  optionText: 75,
  optionValue: 75,
  selectOptions: 100,
  choiceOptions: 10,
  overflowOptions: 5,
  textObject: 3000,
  modalTitle: 24,
  modalButton: 24,
  privateMetadata: 3000,
  callbackId: 255,
  externalId: 255,
  messageText: 40000,
  tableRows: 100,
  tableCells: 20,
} as const;

const L = BLOCK_KIT_LIMITS;

/**
 * Slack's undocumented limit on the text of one message's blocks taken together: past it chat.postMessage and
 * chat.update answer `msg_blocks_too_long` although every block is within its own limits. Measured at about 13,300
 * characters with markdown blocks only (bolt-js #2509), but a message of 11,341 was refused too (bolt-js #2867):
 * the stand-in refuses from the lowest, so nothing passes here that Slack has been seen to refuse.
 */
export const MESSAGE_BLOCKS_TEXT_LIMIT = 11_000;

// KnownBlock in @slack/types.
const KNOWN_BLOCK_TYPES = new Set([
  'actions',
  'alert',
  'card',
  'carousel',
  'container',
  'context',
  'context_actions',
  'data_table',
  'divider',
  'file',
  'header',
  'image',
  'input',
  'markdown',
  'rich_text',
  'section',
  'table',
  'task_card',
  'plan',
  'video',
]);

const SELECTS = ['users_select', 'static_select', 'conversations_select', 'channels_select', 'external_select'];
const MULTI_SELECTS = SELECTS.map((type) => `multi_${type}`);

// ActionsBlockElement, SectionBlockAccessory, InputBlockElement and ContextBlockElement in @slack/types.
const ACTIONS_ELEMENTS = new Set([
  'button',
  'checkboxes',
  'datepicker',
  'datetimepicker',
  'overflow',
  'radio_buttons',
  'timepicker',
  'workflow_button',
  'rich_text_input',
  ...SELECTS,
  ...MULTI_SELECTS,
]);
const SECTION_ACCESSORIES = new Set([
  'button',
  'checkboxes',
  'datepicker',
  'image',
  'overflow',
  'radio_buttons',
  'timepicker',
  'workflow_button',
  ...SELECTS,
  ...MULTI_SELECTS,
]);
const INPUT_ELEMENTS = new Set([
  'checkboxes',
  'datepicker',
  'datetimepicker',
  'email_text_input',
  'file_input',
  'number_input',
  'plain_text_input',
  'radio_buttons',
  'rich_text_input',
  'timepicker',
  'url_text_input',
  ...SELECTS,
  ...MULTI_SELECTS,
]);
const CONTEXT_ELEMENTS = new Set(['image', 'plain_text', 'mrkdwn']);

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function at(message: string, pointer: string): string {
  return `${message} [json-pointer:${pointer}]`;
}

/** Collects errors for one message or one view; block_ids must be unique across all of it. */
class Checker {
  readonly errors: string[] = [];
  private readonly blockIds = new Set<string>();

  fail(message: string, pointer: string): void {
    this.errors.push(at(message, pointer));
  }

  maxLength(value: unknown, max: number, pointer: string): void {
    if (typeof value !== 'string') {
      this.fail('must provide a string', pointer);
    } else if (value.length > max) {
      this.fail(`must be less than ${max + 1} characters`, pointer);
    }
  }

  optionalMaxLength(object: Json, key: string, max: number, pointer: string): void {
    if (object[key] !== undefined) this.maxLength(object[key], max, `${pointer}/${key}`);
  }

  /** A text object; `plainOnly` where Slack requires plain_text (titles, button labels, labels). */
  text(value: unknown, max: number, pointer: string, plainOnly = false): void {
    if (!isObject(value)) {
      this.fail('must provide an object', pointer);
      return;
    }
    const allowed = plainOnly ? ['plain_text'] : ['plain_text', 'mrkdwn'];
    if (typeof value.type !== 'string' || !allowed.includes(value.type)) {
      this.fail(`must be one of: ${allowed.join(', ')}`, `${pointer}/type`);
    }
    if (typeof value.text !== 'string') {
      this.fail('missing required field: text', pointer);
    } else if (value.text.length === 0) {
      this.fail('must be more than 0 characters', `${pointer}/text`);
    } else if (value.text.length > max) {
      this.fail(`must be less than ${max + 1} characters`, `${pointer}/text`);
    }
  }

  optionalText(object: Json, key: string, max: number, pointer: string, plainOnly = false): void {
    if (object[key] !== undefined && object[key] !== null) this.text(object[key], max, `${pointer}/${key}`, plainOnly);
  }

  array(value: unknown, max: number, pointer: string, min = 0): unknown[] {
    if (!Array.isArray(value)) {
      this.fail('must provide an array', pointer);
      return [];
    }
    if (value.length > max) this.fail(`no more than ${max} items allowed`, pointer);
    if (value.length < min) this.fail(`must provide at least ${min} items`, pointer);
    return value;
  }

  blocks(value: unknown, max: number, pointer: string): void {
    const blocks = this.array(value, max, pointer);
    blocks.forEach((block, index) => {
      this.block(block, `${pointer}/${index}`);
    });
  }

  block(block: unknown, pointer: string): void {
    if (!isObject(block)) {
      this.fail('must provide an object', pointer);
      return;
    }
    if (block.block_id !== undefined) {
      this.maxLength(block.block_id, L.id, `${pointer}/block_id`);
      if (typeof block.block_id === 'string') {
        if (this.blockIds.has(block.block_id))
          this.fail(`duplicate block_id: ${block.block_id}`, `${pointer}/block_id`);
        this.blockIds.add(block.block_id);
      }
    }
    if (typeof block.type !== 'string' || !KNOWN_BLOCK_TYPES.has(block.type)) {
      this.fail('failed to match all allowed schemas', pointer);
      return;
    }
    switch (block.type) {
      case 'section':
        this.section(block, pointer);
        break;
      case 'header':
        this.text(block.text, L.headerText, `${pointer}/text`, true);
        break;
      case 'context':
        this.context(block, pointer);
        break;
      case 'actions':
        this.elements(block.elements, L.actionsElements, ACTIONS_ELEMENTS, `${pointer}/elements`);
        break;
      case 'input':
        this.input(block, pointer);
        break;
      case 'image':
        this.image(block, pointer, true);
        break;
      case 'markdown':
        this.maxLength(block.text, L.markdownText, `${pointer}/text`);
        break;
      case 'table':
        this.table(block, pointer);
        break;
      case 'container':
        this.blocks(block.child_blocks, 10, `${pointer}/child_blocks`);
        break;
    }
  }

  private section(block: Json, pointer: string): void {
    if (block.text === undefined && block.fields === undefined) {
      this.fail('must define either `text` or `fields`', pointer);
    }
    this.optionalText(block, 'text', L.sectionText, pointer);
    if (block.fields !== undefined) {
      const fields = this.array(block.fields, L.sectionFields, `${pointer}/fields`);
      fields.forEach((field, index) => {
        this.text(field, L.sectionFieldText, `${pointer}/fields/${index}`);
      });
    }
    if (block.accessory !== undefined) {
      this.element(block.accessory, SECTION_ACCESSORIES, `${pointer}/accessory`, new Set());
    }
  }

  private context(block: Json, pointer: string): void {
    const elements = this.array(block.elements, L.contextElements, `${pointer}/elements`, 1);
    elements.forEach((element, index) => {
      const elementPointer = `${pointer}/elements/${index}`;
      if (!isObject(element) || typeof element.type !== 'string' || !CONTEXT_ELEMENTS.has(element.type)) {
        this.fail('failed to match all allowed schemas', elementPointer);
      } else if (element.type === 'image') {
        this.image(element, elementPointer, false);
      } else {
        this.text(element, L.textObject, elementPointer);
      }
    });
  }

  private input(block: Json, pointer: string): void {
    this.text(block.label, L.inputLabel, `${pointer}/label`, true);
    this.optionalText(block, 'hint', L.inputHint, pointer, true);
    if (block.element === undefined) {
      this.fail('missing required field: element', pointer);
    } else {
      this.element(block.element, INPUT_ELEMENTS, `${pointer}/element`, new Set());
    }
  }

  private image(image: Json, pointer: string, isBlock: boolean): void {
    this.maxLength(image.alt_text, L.imageAltText, `${pointer}/alt_text`);
    if (image.image_url === undefined && image.slack_file === undefined) {
      this.fail('must provide either `image_url` or `slack_file`', pointer);
    }
    this.optionalMaxLength(image, 'image_url', L.url, pointer);
    if (isBlock) this.optionalText(image, 'title', L.imageTitle, pointer, true);
  }

  private table(block: Json, pointer: string): void {
    const rows = this.array(block.rows, L.tableRows, `${pointer}/rows`, 1);
    rows.forEach((row, index) => {
      this.array(row, L.tableCells, `${pointer}/rows/${index}`);
    });
  }

  /** action_id must be unique among the elements of one block (@slack/types `Actionable`). */
  private elements(value: unknown, max: number, allowed: Set<string>, pointer: string): void {
    const actionIds = new Set<string>();
    const elements = this.array(value, max, pointer, 1);
    elements.forEach((element, index) => {
      this.element(element, allowed, `${pointer}/${index}`, actionIds);
    });
  }

  private element(element: unknown, allowed: Set<string>, pointer: string, actionIds: Set<string>): void {
    if (!isObject(element) || typeof element.type !== 'string' || !allowed.has(element.type)) {
      this.fail('failed to match all allowed schemas', pointer);
      return;
    }
    if (element.action_id !== undefined) {
      this.maxLength(element.action_id, L.id, `${pointer}/action_id`);
      if (typeof element.action_id === 'string') {
        if (actionIds.has(element.action_id)) {
          this.fail(`duplicate action_id: ${element.action_id}`, `${pointer}/action_id`);
        }
        actionIds.add(element.action_id);
      }
    }
    if (element.confirm !== undefined) this.confirm(element.confirm, `${pointer}/confirm`);
    this.optionalText(element, 'placeholder', L.placeholder, pointer, true);
    switch (element.type) {
      case 'button':
      case 'workflow_button':
        this.text(element.text, L.buttonText, `${pointer}/text`, true);
        this.optionalMaxLength(element, 'value', L.buttonValue, pointer);
        this.optionalMaxLength(element, 'url', L.url, pointer);
        this.optionalMaxLength(element, 'accessibility_label', L.accessibilityLabel, pointer);
        if (element.style !== undefined && element.style !== 'primary' && element.style !== 'danger') {
          this.fail('must be one of: primary, danger', `${pointer}/style`);
        }
        return;
      case 'plain_text_input':
        this.optionalMaxLength(element, 'initial_value', L.plainTextInputValue, pointer);
        this.range(element.max_length, 1, L.plainTextInputLength, `${pointer}/max_length`);
        this.range(element.min_length, 0, L.plainTextInputLength, `${pointer}/min_length`);
        return;
      case 'image':
        this.image(element, pointer, false);
        return;
      case 'overflow':
        this.options(element.options, L.overflowOptions, `${pointer}/options`, 2);
        return;
      case 'checkboxes':
      case 'radio_buttons':
        this.options(element.options, L.choiceOptions, `${pointer}/options`, 1);
        return;
      case 'static_select':
      case 'multi_static_select':
        if (element.options !== undefined) this.options(element.options, L.selectOptions, `${pointer}/options`, 1);
        return;
      default:
        return;
    }
  }

  private options(value: unknown, max: number, pointer: string, min: number): void {
    const options = this.array(value, max, pointer, min);
    options.forEach((option, index) => {
      const optionPointer = `${pointer}/${index}`;
      if (!isObject(option)) {
        this.fail('must provide an object', optionPointer);
        return;
      }
      this.text(option.text, L.optionText, `${optionPointer}/text`);
      this.optionalMaxLength(option, 'value', L.optionValue, optionPointer);
    });
  }

  private confirm(value: unknown, pointer: string): void {
    if (!isObject(value)) {
      this.fail('must provide an object', pointer);
      return;
    }
    this.optionalText(value, 'title', L.confirmTitle, pointer, true);
    this.text(value.text, L.confirmText, `${pointer}/text`);
    this.optionalText(value, 'confirm', L.confirmButton, pointer, true);
    this.optionalText(value, 'deny', L.confirmButton, pointer, true);
  }

  private range(value: unknown, min: number, max: number, pointer: string): void {
    if (value === undefined) return;
    if (typeof value !== 'number' || !Number.isInteger(value)) {
      this.fail('must provide an integer', pointer);
    } else if (value < min || value > max) {
      this.fail(`must be between ${min} and ${max}`, pointer);
    }
  }
}

/** Errors for a message's `blocks` (chat.postMessage, chat.update, chat.postEphemeral, response_url). */
export function validateMessageBlocks(blocks: unknown): string[] {
  const checker = new Checker();
  checker.blocks(blocks, L.messageBlocks, '/blocks');
  return checker.errors;
}

/**
 * The text a message's blocks hold in total, as counted against MESSAGE_BLOCKS_TEXT_LIMIT: every string `text` at
 * any depth (section text and fields, context elements, headers, buttons, confirm dialogs).
 */
export function messageBlocksTextLength(blocks: unknown): number {
  if (Array.isArray(blocks)) return blocks.reduce((sum: number, item) => sum + messageBlocksTextLength(item), 0);
  if (!isObject(blocks)) return 0;
  let sum = 0;
  for (const [key, value] of Object.entries(blocks)) {
    sum += key === 'text' && typeof value === 'string' ? value.length : messageBlocksTextLength(value);
  }
  return sum;
}

/** Errors for a `view` (views.open, views.update, views.push, views.publish). */
export function validateView(view: unknown): string[] {
  const checker = new Checker();
  if (!isObject(view)) {
    checker.fail('must provide an object', '/view');
    return checker.errors;
  }
  if (view.type !== 'modal' && view.type !== 'home') {
    checker.fail('must be one of: modal, home', '/view/type');
  }
  if (view.type === 'modal') {
    checker.text(view.title, L.modalTitle, '/view/title', true);
    checker.optionalText(view, 'submit', L.modalButton, '/view', true);
    checker.optionalText(view, 'close', L.modalButton, '/view', true);
    const hasInput =
      Array.isArray(view.blocks) && view.blocks.some((block) => isObject(block) && block.type === 'input');
    if (hasInput && (view.submit === undefined || view.submit === null)) {
      checker.fail('must provide `submit` when the view contains an input block', '/view');
    }
  }
  checker.optionalMaxLength(view, 'private_metadata', L.privateMetadata, '/view');
  checker.optionalMaxLength(view, 'callback_id', L.callbackId, '/view');
  checker.optionalMaxLength(view, 'external_id', L.externalId, '/view');
  checker.blocks(view.blocks, L.viewBlocks, '/view/blocks');
  return checker.errors;
}
