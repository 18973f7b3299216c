"""`geoprospect:logistic`: logistic regression of known deposits against evidence layers."""
from qgis.core import (
    QgsProcessing,
    QgsProcessingParameterFileDestination,
    QgsProcessingParameterMultipleLayers,
    QgsProcessingParameterNumber,
)

from .base import (
    GeoprospectAlgorithm,
    add_area,
    add_deposits,
    area_arguments,
    deposits_arguments,
    layer_source,
)


class LogisticAlgorithm(GeoprospectAlgorithm):
    command = "logistic"
    title = "Logistic regression"
    group_id = "models"
    help_text = (
        "Logistic regression of deposit cells against background cells sampled at random "
        "(seeded) over evidence layers on one grid; a CSV of coefficients."
    )

    def initAlgorithm(self, config=None):  # noqa: N802
        self.addParameter(
            QgsProcessingParameterMultipleLayers(
                "EVIDENCE", "Evidence layers (on one grid)", QgsProcessing.TypeRaster
            )
        )
        add_deposits(self)
        add_area(self)
        self.addParameter(
            QgsProcessingParameterNumber(
                "BACKGROUND", "Background cells sampled as negatives (default: 10 per deposit)",
                QgsProcessingParameterNumber.Integer, optional=True, minValue=1,
            )
        )
        self.addParameter(
            QgsProcessingParameterNumber(
                "SEED", "Seed of the background sample", QgsProcessingParameterNumber.Integer,
                1, minValue=0,
            )
        )
        self.addParameter(
            QgsProcessingParameterFileDestination("OUTPUT", "Coefficients", "CSV (*.csv)")
        )

    def arguments(self, args, outputs):
        for layer in self.parameterAsLayerList(args.parameters, "EVIDENCE", args.context):
            args.add(layer_source(layer)[0])
        deposits_arguments(args)
        area_arguments(args)
        args.integer("--background", "BACKGROUND")
        args.integer("--seed", "SEED")
        args.add("--out", outputs["OUTPUT"])
