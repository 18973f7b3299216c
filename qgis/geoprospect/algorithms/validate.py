"""`geoprospect:validate`: a score map against known deposits."""
from qgis.core import QgsProcessingParameterFileDestination, QgsProcessingParameterRasterLayer

from .base import (
    GeoprospectAlgorithm,
    add_area,
    add_deposits,
    area_arguments,
    deposits_arguments,
)


class ValidateAlgorithm(GeoprospectAlgorithm):
    command = "validate"
    title = "Validate a score map"
    group_id = "validation"
    help_text = (
        "The success-rate curve, its AUC, the capture of deposits by the top of the area and "
        "the prediction-area plot of a score map (higher is more prospective) against known "
        "deposits; the figures are in the log, the curve and tables in the CSV files "
        "(<stem>.csv, <stem>_pa.csv, <stem>_summary.csv)."
    )

    def initAlgorithm(self, config=None):  # noqa: N802
        self.addParameter(QgsProcessingParameterRasterLayer("SCORE", "Score map"))
        add_deposits(self)
        add_area(self)
        self.addParameter(
            QgsProcessingParameterFileDestination(
                "OUTPUT", "Success-rate curve", "CSV (*.csv)", optional=True,
                createByDefault=False,
            )
        )

    def arguments(self, args, outputs):
        args.add(args.raster("SCORE"))
        deposits_arguments(args)
        area_arguments(args)
        if "OUTPUT" in outputs:
            args.add("--out", outputs["OUTPUT"])
