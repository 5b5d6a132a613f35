"""``sigil export --push-to-hub``: upload an exported model folder to a Hugging Face Hub repository.

huggingface_hub does the protocol (create the repo, ask which files go to LFS, commit); the endpoint is
``HF_ENDPOINT`` when set (a mirror, a private Hub, or a test's local server), read at call time.
"""

from __future__ import annotations

import os
from pathlib import Path

from sigil import SigilError


def hub_token() -> str:
    """The user's Hugging Face token (``HF_TOKEN`` or ``hf auth login``); checked before any model is merged."""
    from huggingface_hub import get_token

    token = os.environ.get("HF_TOKEN") or get_token()
    if not token:
        raise SigilError("--push-to-hub needs a Hugging Face token: run `hf auth login` or set HF_TOKEN")
    return token


def push_folder(folder: Path, repo_id: str, token: str, private: bool) -> str:
    """Create ``repo_id`` if needed and commit every file of ``folder`` to it; returns the commit's URL."""
    from huggingface_hub import HfApi
    from huggingface_hub.errors import HfHubHTTPError

    api = HfApi(endpoint=os.environ.get("HF_ENDPOINT") or None, token=token)
    try:
        api.create_repo(repo_id, repo_type="model", private=private, exist_ok=True)
        info = api.upload_folder(repo_id=repo_id, folder_path=folder, repo_type="model",
                                 commit_message=f"Upload {folder.name} exported by sigil")
    except HfHubHTTPError as exc:
        raise SigilError(f"--push-to-hub {repo_id}: {str(exc).splitlines()[0]}") from None
    return str(info.commit_url)
