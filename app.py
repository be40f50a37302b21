"""Start the web app: ``python app.py [--host H] [--port P] [--store DIR] [--no-upload] [--auth user:pass]``.

A thin launcher so the app runs from a checkout without the ``tracuu`` command; everything
lives in ``tracuu.ui``.
"""

import sys

# Before gradio is imported: this process serves, it is never a notebook (see keep_ipython_out).
from tracuu.cli import keep_ipython_out

keep_ipython_out()

from tracuu.ui import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
