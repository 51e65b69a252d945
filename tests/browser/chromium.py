"""Where Chromium and its driver are, when installed (apt-get install chromium chromium-driver)."""

import shutil

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
