"""`geoprospect:wofe`: weights of evidence of a class layer against known deposits."""
from qgis.core import (
    QgsProcessingParameterFileDestination,
    QgsProcessingParameterNumber,
    QgsProcessingParameterRasterLayer,
    QgsProcessingParameterString,
)

from .base import (
    GeoprospectAlgorithm,
    add_area,
    add_deposits,
    area_arguments,
    deposits_arguments,
    enum_parameter,
)


class WofeAlgorithm(GeoprospectAlgorithm):
    command = "wofe"
    title = "Weights of evidence"
    group_id = "models"
    help_text = (
        "W+, W-, contrast and its studentized value of each class of a class layer against "
        "known deposits (Bonham-Carter 1994), one row per class or cumulative, optionally "
        "generalised to a binary pattern; a CSV table."
    )

    def initAlgorithm(self, config=None):  # noqa: N802
        self.addParameter(QgsProcessingParameterRasterLayer("EVIDENCE", "Class layer"))
        add_deposits(self)
        add_area(self)
        self.addParameter(
            QgsProcessingParameterNumber(
                "UNIT_CELL_KM2", "Unit cell area (km²)", QgsProcessingParameterNumber.Double,
                1.0, minValue=0.0,
            )
        )
        self.addParameter(
            enum_parameter(
                "CUMULATIVE", "Cumulative table (default: one row per class)",
                ["ascending", "descending"], None, optional=True,
            )
        )
        self.addParameter(
            QgsProcessingParameterString(
                "GENERALISE",
                "Generalise a cumulative table: max-contrast, max-studentized or cut=CLASS",
                optional=True,
            )
        )
        self.addParameter(
            enum_parameter(
                "ALL_DEPOSITS_RULE", "Rule for a pattern holding every deposit",
                ["arcsdm", "eis"], "arcsdm",
            )
        )
        self.addParameter(
            QgsProcessingParameterFileDestination("OUTPUT", "Weights table", "CSV (*.csv)")
        )

    def arguments(self, args, outputs):
        args.add(args.raster("EVIDENCE"))
        deposits_arguments(args)
        area_arguments(args)
        args.number("--unit-cell-km2", "UNIT_CELL_KM2")
        args.enum("--cumulative", "CUMULATIVE")
        args.string("--generalise", "GENERALISE")
        args.enum("--all-deposits-rule", "ALL_DEPOSITS_RULE")
        args.add("--out", outputs["OUTPUT"])
