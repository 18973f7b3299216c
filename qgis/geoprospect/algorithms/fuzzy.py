"""`geoprospect:fuzzy`: evidence layers through transform chains, then one fuzzy operator."""
from qgis.core import (
    QgsProcessingParameterNumber,
    QgsProcessingParameterRasterDestination,
    QgsProcessingParameterString,
)

from .base import GeoprospectAlgorithm, add_area, add_compress, area_arguments, enum_parameter


class FuzzyAlgorithm(GeoprospectAlgorithm):
    command = "fuzzy"
    title = "Fuzzy overlay of transformed layers"
    group_id = "models"
    help_text = (
        "Each layer through its transform chain, then one fuzzy operator, streamed block by "
        "block. One line per layer, PATH:STEP,STEP,... with steps log, ln, robust-z, "
        "linear:LOW:HIGH, large:MID:SPREAD, small:MID:SPREAD, gaussian:MID:SPREAD, "
        "sigmoid:MID:SLOPE (thresholds may be percentiles such as p90); a chain may start with "
        "singularity:1,3,5,7. A layer without steps is taken as a membership."
    )

    def initAlgorithm(self, config=None):  # noqa: N802
        self.addParameter(
            QgsProcessingParameterString(
                "LAYERS", "Layers and their chains, one per line (PATH:STEP,STEP,...)",
                multiLine=True,
            )
        )
        self.addParameter(
            enum_parameter("OP", "Operator", ["and", "or", "product", "sum", "gamma"], "gamma")
        )
        self.addParameter(
            QgsProcessingParameterNumber(
                "GAMMA", "Gamma of the gamma operator", QgsProcessingParameterNumber.Double,
                optional=True, minValue=0.0, maxValue=1.0,
            )
        )
        add_area(self)
        add_compress(self)
        self.addParameter(QgsProcessingParameterRasterDestination("OUTPUT", "Combined memberships"))

    def arguments(self, args, outputs):
        chains = self.parameterAsString(args.parameters, "LAYERS", args.context)
        for line in chains.splitlines():
            if line.strip():
                args.add("--layer", line.strip())
        args.enum("--op", "OP")
        args.number("--gamma", "GAMMA")
        area_arguments(args)
        args.add("--out", outputs["OUTPUT"])
        args.enum("--compress", "COMPRESS")
