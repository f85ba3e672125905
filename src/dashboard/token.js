// The API token, asked for only when the server says a request needs one, and kept in sessionStorage:
// it lasts while the tab is open and never reaches disk beyond the browser's session.
const KEY = 'linernotes.apiToken';

export function storedToken() {
  try {
    return sessionStorage.getItem(KEY);
  } catch {
    return null; // storage disabled: ask again next time
  }
}

function storeToken(token) {
  try {
    if (token) sessionStorage.setItem(KEY, token);
    else sessionStorage.removeItem(KEY);
  } catch {
    // nothing to do: the token still works for this page
  }
}

const REASONS = {
  MISSING_TOKEN: 'This linernotes requires an API token (API_TOKEN) to start or cancel jobs.',
  WRONG_TOKEN: 'The server did not accept that token. Check API_TOKEN and try again.',
  READ: 'This linernotes requires a token (READ_TOKEN or API_TOKEN) to show its statistics.',
};

/**
 * Opens the token dialog and resolves with the token typed in (now stored), or null when the user
 * cancelled. `reason` is MISSING_TOKEN, WRONG_TOKEN or READ.
 */
let pending = null;

export function askForToken(reason) {
  // Several requests may be refused at once (the first statistics and the running jobs): one prompt.
  pending ??= prompt(reason).finally(() => {
    pending = null;
  });
  return pending;
}

function prompt(reason) {
  const dialog = document.getElementById('token-dialog');
  const form = dialog.querySelector('form');
  const input = dialog.querySelector('input');
  dialog.querySelector('[data-reason]').textContent = REASONS[reason] ?? REASONS.MISSING_TOKEN;
  input.value = '';
  return new Promise((resolve) => {
    const finish = (token) => {
      form.removeEventListener('submit', onSubmit);
      dialog.removeEventListener('cancel', onCancel);
      cancelButton.removeEventListener('click', onCancel);
      dialog.close();
      if (token) storeToken(token);
      resolve(token);
    };
    const onSubmit = (event) => {
      event.preventDefault();
      finish(input.value.trim() || null);
    };
    const onCancel = (event) => {
      event.preventDefault();
      finish(null);
    };
    const cancelButton = dialog.querySelector('[data-action="cancel"]');
    form.addEventListener('submit', onSubmit);
    dialog.addEventListener('cancel', onCancel);
    cancelButton.addEventListener('click', onCancel);
    dialog.showModal();
    input.focus();
  });
}

export function forgetToken() {
  storeToken(null);
}
