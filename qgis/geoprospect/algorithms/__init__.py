"""The algorithms, one module per geoprospect command; `ALGORITHMS` lists their classes in
toolbox order."""
from .anomalies import AnomaliesAlgorithm
from .catchments import CatchmentsAlgorithm
from .fuzzy import FuzzyAlgorithm
from .grid import GridAlgorithm
from .logistic import LogisticAlgorithm
from .membership import MembershipAlgorithm
from .overlay import OverlayAlgorithm
from .proximity import ProximityAlgorithm
from .run import RunAlgorithm
from .singularity import SingularityAlgorithm
from .validate import ValidateAlgorithm
from .wofe import WofeAlgorithm

ALGORITHMS = [
    RunAlgorithm,
    GridAlgorithm,
    AnomaliesAlgorithm,
    CatchmentsAlgorithm,
    ProximityAlgorithm,
    MembershipAlgorithm,
    SingularityAlgorithm,
    FuzzyAlgorithm,
    OverlayAlgorithm,
    WofeAlgorithm,
    LogisticAlgorithm,
    ValidateAlgorithm,
]
