from django.apps import AppConfig


class StandardConfig(AppConfig):
    name = "tipdata.standard"
    label = "standard"
    verbose_name = "Data standard (HTCDS 2.0)"

    def ready(self) -> None:
        # Load and validate the dictionary at start-up: a malformed file stops the app here,
        # naming the file and the entry, instead of failing later on some form.
        from tipdata.engines.standard import load_dictionary

        load_dictionary().check_translations()
