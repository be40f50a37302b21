"""Start the web app: ``python app.py [--host H] [--port P] [--store DIR] [--no-upload] [--auth user:pass]``.

A thin launcher so the app runs from a checkout without the ``tracuu`` command; everything
lives in ``tracuu.ui``.
"""

import sys

# This process is a web server, never a notebook, yet gradio imports IPython for its notebook
# hooks: 0.3-0.4 s of a ~3 s start (bench/README.md, "Cold start"). Marked absent, those imports
# fail fast, which gradio (and tqdm, transformers) take as "not running in a notebook".
sys.modules.setdefault("IPython", None)

from tracuu.ui import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
