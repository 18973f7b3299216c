"""`geoprospect:overlay`: layers on one grid combined by a fuzzy operator or a weighted index
overlay."""
from qgis.core import (
    QgsProcessing,
    QgsProcessingParameterMultipleLayers,
    QgsProcessingParameterNumber,
    QgsProcessingParameterRasterDestination,
    QgsProcessingParameterString,
)

from .base import (
    GeoprospectAlgorithm,
    add_area,
    add_compress,
    area_arguments,
    enum_parameter,
    layer_source,
)


class OverlayAlgorithm(GeoprospectAlgorithm):
    command = "overlay"
    title = "Overlay (fuzzy operators, index overlay)"
    group_id = "models"
    help_text = (
        "Combines layers on the grid of the first: fuzzy and (minimum), or (maximum), "
        "algebraic product, algebraic sum, gamma (sum^gamma * product^(1 - gamma); "
        "Bonham-Carter 1994), or the weighted index overlay sum(w m) / sum(w)."
    )

    def initAlgorithm(self, config=None):  # noqa: N802
        self.addParameter(
            QgsProcessingParameterMultipleLayers(
                "INPUTS", "Layers (on the grid of the first)", QgsProcessing.TypeRaster
            )
        )
        self.addParameter(
            enum_parameter(
                "OP", "Operator", ["and", "or", "product", "sum", "gamma", "index"], "gamma"
            )
        )
        self.addParameter(
            QgsProcessingParameterNumber(
                "GAMMA", "Gamma of the gamma operator", QgsProcessingParameterNumber.Double,
                optional=True, minValue=0.0, maxValue=1.0,
            )
        )
        self.addParameter(
            QgsProcessingParameterString(
                "WEIGHTS", "Weights of the index overlay, one per layer, comma-separated",
                optional=True,
            )
        )
        add_area(self)
        add_compress(self)
        self.addParameter(QgsProcessingParameterRasterDestination("OUTPUT", "Combined layer"))

    def arguments(self, args, outputs):
        for layer in self.parameterAsLayerList(args.parameters, "INPUTS", args.context):
            args.add(layer_source(layer)[0])
        args.enum("--op", "OP")
        args.number("--gamma", "GAMMA")
        args.string("--weights", "WEIGHTS")
        area_arguments(args)
        args.add("--out", outputs["OUTPUT"])
        args.enum("--compress", "COMPRESS")
