import { z } from 'zod';
import { errorCodes } from '../api/error-codes.ts';

/** Per-field validation problems: dotted path -> messages. */
export const fieldErrorsSchema = z.record(z.string(), z.array(z.string()));
export type FieldErrors = z.infer<typeof fieldErrorsSchema>;

export const errorEnvelopeSchema = z.object({
  error: z.literal(true),
  status: z.number().int(),
  message: z.string(),
  code: z.enum(errorCodes),
  details: fieldErrorsSchema.optional(),
  requestId: z.string().optional(),
  /** Seconds to wait before retrying (429, and 503 when the store is full, busy or unreachable). */
  retryAfter: z.number().int().positive().optional(),
});
export type ErrorEnvelope = z.infer<typeof errorEnvelopeSchema>;

export type SuccessEnvelope<T> = {
  error: false;
  status: number;
  message: string;
  data: T;
};

export type Envelope<T> = SuccessEnvelope<T> | ErrorEnvelope;

export function successEnvelopeSchema<T extends z.ZodType>(data: T) {
  return z.object({
    error: z.literal(false),
    status: z.number().int(),
    message: z.string(),
    data,
  });
}
