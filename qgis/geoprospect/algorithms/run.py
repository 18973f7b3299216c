"""`geoprospect:run`: a survey from its project file to prospectivity maps, targets and samples,
loaded into the project under the styles the run writes."""
import glob
import os

from qgis.core import (
    QgsProcessingParameterFile,
    QgsProcessingParameterFolderDestination,
)

from ..styles import load_with_style
from .base import GeoprospectAlgorithm, add_compress


class RunAlgorithm(GeoprospectAlgorithm):
    command = "run"
    title = "Run a survey (project file)"
    group_id = "survey"
    help_text = (
        "Runs a geoprospect project file (TOML) into an output folder: every input on the "
        "analysis grid, the element grids, the prospectivity map of each commodity with its "
        "validation, ranked target zones, samples with anomaly classes, the HTML report and "
        "the manifest. The score maps, targets and samples are loaded with their QGIS styles."
    )

    def initAlgorithm(self, config=None):  # noqa: N802
        self.addParameter(
            QgsProcessingParameterFile(
                "PROJECT", "Project file", extension="toml"
            )
        )
        add_compress(self)
        self.addParameter(QgsProcessingParameterFolderDestination("OUTPUT", "Output folder"))

    def arguments(self, args, outputs):
        args.add(self.parameterAsFile(args.parameters, "PROJECT", args.context))
        args.add("--out", outputs["OUTPUT"])
        args.enum("--compress", "COMPRESS")

    def loaded(self, outputs, context):
        """The score maps first (drawn below), then the samples and the targets on top."""
        folder = outputs["OUTPUT"]
        for pattern in ("prospectivity_*.tif", "samples_*.geojson", "targets_*.geojson"):
            for path in sorted(glob.glob(os.path.join(glob.escape(folder), pattern))):
                load_with_style(path, context, "OUTPUT")
