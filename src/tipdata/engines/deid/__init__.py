"""De-identification engine: k-anonymous microdata, DP tables, synthetic data, releases.

Pure Python (no Django). The public API:

- :func:`anonymise` (k-anonymity / l-diversity with least information loss) with
  :class:`DeidSpec` / :class:`QuasiIdentifier`, returning :class:`DeidResult`;
- :func:`dp_count_table` with :class:`DpTableSpec`, returning :class:`DpTable`, and the
  :class:`PrivacyBudgetAccountant`;
- :func:`synthesize` with :class:`SyntheticSpec` (pac-synth), :func:`utility_report`;
- :func:`write_release` with :class:`ReleaseSpec` / :func:`default_release_spec`,
  returning :class:`ReleaseManifest`.

See ``docs/deid.md`` for the input schema, the algorithms and the file formats.
"""

from .dp_tables import (
    BudgetSpend,
    DpTable,
    DpTableSpec,
    PrivacyBudgetAccountant,
    dp_count_table,
    laplace_scale_for,
)
from .errors import (
    CannotAnonymiseError,
    DeidDataError,
    DeidError,
    DeidSpecError,
    PrivacyBudgetExceededError,
)
from .hierarchies import SUPPRESSED, Hierarchy, builtin_hierarchy_names, load_builtin_hierarchy
from .kanon import DeidMeasures, DeidResult, anonymise
from .release import (
    PUBLIC_COLUMNS,
    ReleaseManifest,
    ReleaseSpec,
    default_release_spec,
    derive_public_columns,
    public_domains,
    write_release,
)
from .schema import INPUT_COLUMNS, default_deid_spec
from .spec import DeidSpec, QuasiIdentifier
from .synthetic import SyntheticResult, SyntheticSpec, synthesize, utility_report

__all__ = [
    "INPUT_COLUMNS",
    "PUBLIC_COLUMNS",
    "SUPPRESSED",
    "BudgetSpend",
    "CannotAnonymiseError",
    "DeidDataError",
    "DeidError",
    "DeidMeasures",
    "DeidResult",
    "DeidSpec",
    "DeidSpecError",
    "DpTable",
    "DpTableSpec",
    "Hierarchy",
    "PrivacyBudgetAccountant",
    "PrivacyBudgetExceededError",
    "QuasiIdentifier",
    "ReleaseManifest",
    "ReleaseSpec",
    "SyntheticResult",
    "SyntheticSpec",
    "anonymise",
    "builtin_hierarchy_names",
    "default_deid_spec",
    "default_release_spec",
    "derive_public_columns",
    "dp_count_table",
    "laplace_scale_for",
    "load_builtin_hierarchy",
    "public_domains",
    "synthesize",
    "utility_report",
    "write_release",
]
