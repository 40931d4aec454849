"use client";

import { useState, useTransition } from "react";
import { removeCatalogImageAction } from "@/app/(console)/images/actions";
import { emptyFormState, type FormState } from "@/lib/forms/form-state";
import { FormMessage } from "@/components/form-bits";

export function RemoveImageButton({ imageId, name, imageRef }: { imageId: string; name: string; imageRef: string }) {
  const [state, setState] = useState<FormState>(emptyFormState);
  const [pending, startTransition] = useTransition();
  return (
    <>
      <button
        type="button"
        className="danger"
        disabled={pending}
        aria-label={`Remove ${name}`}
        onClick={() => {
          const question = `Remove “${name}” (${imageRef}) from the catalog? Tenants can no longer launch it; running containers and the image on the host are kept.`;
          if (!window.confirm(question)) return;
          startTransition(async () => setState(await removeCatalogImageAction(imageId)));
        }}
      >
        {pending ? "Removing…" : "Remove"}
      </button>
      {!state.ok && <FormMessage state={state} />}
    </>
  );
}
