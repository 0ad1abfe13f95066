"""tipdata estimate: multiple systems estimation from a capture-history CSV."""

from tipdata.engines.estimation.cli import main
from tipdata.web.passthrough import PassthroughCommand


class Command(PassthroughCommand):
    help = "Estimate how many victims no list has seen (multiple systems estimation) from a capture-history CSV."
    engine_main = staticmethod(main)
