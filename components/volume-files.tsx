"use client";

import { useActionState, useEffect, useRef, useState, useTransition, type FormEvent } from "react";
import { uploadVolumeFilesAction } from "@/lib/actions/volumes";
import { formatBytes, formatMiB } from "@/lib/format/bytes";
import { emptyFormState } from "@/lib/forms/form-state";
import { Field } from "@/components/field";
import { FormMessage } from "@/components/form-bits";

/**
 * Uploads files into the selected volume. The form is submitted by hand rather than through
 * `action=`: React resets a form after its action, which would drop the chosen files when
 * the upload is refused; here they stay chosen until an upload succeeds.
 */
export function UploadFilesForm({
  volumeId,
  volumeName,
  maxFileBytes,
  maxTotalBytes,
}: {
  volumeId: string;
  volumeName: string;
  maxFileBytes: number;
  maxTotalBytes: number;
}) {
  const [state, action] = useActionState(uploadVolumeFilesAction.bind(null, volumeId), emptyFormState);
  const [pending, startTransition] = useTransition();
  const [chosen, setChosen] = useState<{ count: number; bytes: number }>({ count: 0, bytes: 0 });
  const formRef = useRef<HTMLFormElement>(null);

  useEffect(() => {
    if (state.ok && formRef.current) {
      const input = formRef.current.elements.namedItem("files") as HTMLInputElement | null;
      if (input) input.value = "";
      setChosen({ count: 0, bytes: 0 });
    }
  }, [state]);

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    startTransition(() => action(data));
  };
  const tooBig = chosen.bytes > maxTotalBytes;

  return (
    <form ref={formRef} onSubmit={submit} className="inline upload-form" noValidate aria-label={`Upload files to ${volumeName}`} aria-busy={pending}>
      <Field
        id="upload-files"
        label="Files"
        hint={`Up to ${formatMiB(maxFileBytes)} each, ${formatMiB(maxTotalBytes)} together.`}
        errors={
          state.errors?.files ??
          (tooBig ? [`These files are ${formatMiB(chosen.bytes)} together; upload at most ${formatMiB(maxTotalBytes)} at a time.`] : undefined)
        }
      >
        {(control) => (
          <input
            {...control}
            name="files"
            type="file"
            multiple
            disabled={pending}
            onChange={(e) => {
              const files = [...(e.currentTarget.files ?? [])];
              setChosen({ count: files.length, bytes: files.reduce((sum, f) => sum + f.size, 0) });
            }}
          />
        )}
      </Field>
      <Field id="upload-folder" label="Folder (optional)" hint="Inside the volume, e.g. css. Created when missing." errors={state.errors?.folder}>
        {(control) => <input {...control} name="folder" type="text" placeholder="top level" defaultValue={state.values?.folder} disabled={pending} />}
      </Field>
      <button type="submit" className="primary" disabled={pending || chosen.count === 0 || tooBig}>
        {pending ? `Uploading ${chosen.count === 1 ? "1 file" : `${chosen.count} files`}…` : "Upload"}
      </button>
      <div style={{ flexBasis: "100%" }}>
        {pending ? (
          <p role="status" className="muted upload-busy">
            <progress aria-label="Uploading" /> Sending {formatBytes(chosen.bytes)} to {volumeName}…
          </p>
        ) : (
          <FormMessage state={state} />
        )}
      </div>
    </form>
  );
}
