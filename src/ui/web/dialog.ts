/// <reference lib="dom" />
/**
 * The confirmation dialog: a native modal `<dialog>`, which keeps focus inside it and closes on
 * Escape; the safe choice (Cancel) has the focus when it opens.
 */
import { html } from "htm/preact";
import { useEffect, useRef } from "preact/hooks";

/** What to confirm. */
export interface Confirmation {
  readonly title: string;
  readonly text: string;
  readonly confirmLabel: string;
  readonly onConfirm: () => void;
}

/** Shows `confirmation` as a modal dialog; `onClose` is called on Cancel, Escape or confirm. */
export function ConfirmDialog(props: {
  readonly confirmation: Confirmation;
  readonly onClose: () => void;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const cancel = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (dialog === null) return;
    // Focus goes back where it was (the button that opened the dialog) when it closes.
    const opener = document.activeElement as HTMLElement | null;
    if (!dialog.open) dialog.showModal();
    cancel.current?.focus();
    return () => {
      dialog.close();
      opener?.focus();
    };
  }, []);
  const { confirmation, onClose } = props;
  return html`<dialog
    ref=${ref}
    aria-labelledby="confirm-title"
    aria-describedby="confirm-text"
    onCancel=${(event: Event) => {
      event.preventDefault();
      onClose();
    }}
  >
    <h2 id="confirm-title">${confirmation.title}</h2>
    <p id="confirm-text">${confirmation.text}</p>
    <div class="dialog-buttons">
      <button type="button" ref=${cancel} onClick=${onClose}>Cancel</button>
      <button
        type="button"
        class="danger"
        onClick=${() => {
          onClose();
          confirmation.onConfirm();
        }}
      >
        ${confirmation.confirmLabel}
      </button>
    </div>
  </dialog>`;
}
