/**
 * What a Server Action returns to `useActionState`: a message for the whole form and an
 * error per field (the shape of next-learn's dashboard example).
 */
export interface FormState {
  ok?: boolean;
  message?: string;
  errors?: Record<string, string[]>;
  /** What the person typed, to refill the form after an error (never a password). */
  values?: Record<string, string>;
  /** A value shown once after success (a new API token). */
  secret?: string;
}

export const emptyFormState: FormState = {};
