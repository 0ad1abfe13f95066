"""Settings per environment: ``local`` (default), ``test`` and ``production``.

``DJANGO_SETTINGS_MODULE`` picks one; the ``tipdata`` command sets it from
``TIPDATA_ENV`` when it is not set already.
"""
