// The JSON bodies the sandbox page sends to its server (zod: anything else is a 400).
import { z } from 'zod';
import { USER_IDS } from './people.js';

const User = z.enum(USER_IDS, { error: `user must be one of ${USER_IDS.join(', ')}` });
const Id = z.string().min(1).max(255);
const Ts = z.string().regex(/^\d{1,12}\.\d{1,8}$/, 'must be a message ts');

const SimpleValue = z.union([z.string().max(3000), z.array(z.string().max(3000)).max(100), z.null()]);
export const Values = z.record(Id, z.record(Id, SimpleValue));

/** Where the element is: a channel message, one of the user's ephemerals, or a view. */
const Target = {
  messageTs: Ts.optional(),
  ephemeralId: Id.optional(),
  viewId: Id.optional(),
  blockId: Id.optional(),
  values: Values.optional(),
};

const oneTarget = (t: { messageTs?: string; ephemeralId?: string; viewId?: string }) =>
  [t.messageTs, t.ephemeralId, t.viewId].filter((x) => x !== undefined).length === 1;
const TARGET_MESSAGE = { message: 'give exactly one of messageTs, ephemeralId, viewId' };

export const CommandBody = z.object({ user: User, text: z.string().trim().min(1).max(3000) });

export const ClickBody = z
  .object({
    user: User,
    actionId: Id,
    value: z.string().max(2000).optional(),
    text: z.string().max(200).optional(),
    ...Target,
  })
  .refine(oneTarget, TARGET_MESSAGE);

export const SelectBody = z
  .object({
    user: User,
    actionId: Id,
    selected: z.union([z.string().max(2000), z.array(z.string().max(2000)).max(100)]),
    type: z
      .string()
      .regex(/^[a-z_]{1,40}$/)
      .optional(),
    ...Target,
  })
  .refine(oneTarget, TARGET_MESSAGE);

export const SubmitBody = z.object({ user: User, viewId: Id, values: Values });
export const CloseBody = z.object({ user: User, viewId: Id });
export const UserBody = z.object({ user: User });
export const DismissBody = z.object({ user: User, id: Id });
export const StateQuery = z.object({ user: User });
