"""Start the web app: ``python app.py [--host H] [--port P] [--store DIR] [--no-upload] [--auth user:pass]``.

A thin launcher so the app runs from a checkout without the ``tracuu`` command; everything
lives in ``tracuu.ui``.
"""

import sys

from tracuu.ui import main

if __name__ == "__main__":
    sys.exit(main())
