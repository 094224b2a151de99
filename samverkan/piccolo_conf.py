"""Piccolo's configuration module (``PICCOLO_CONF=samverkan.piccolo_conf``)."""

from piccolo.conf.apps import AppRegistry

from samverkan.database import APPS, make_engine
from samverkan.settings import get_settings

DB = make_engine(get_settings())

APP_REGISTRY = AppRegistry(apps=APPS)
