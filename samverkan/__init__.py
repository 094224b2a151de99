"""samverkan: co-determination (MBL), samverkan and SAM for Swedish municipalities."""

import os

# Piccolo finds its engine and apps through this module; set before any table is used.
os.environ.setdefault("PICCOLO_CONF", "samverkan.piccolo_conf")

__version__ = "0.1.0"
