"""`geoprospect:catchments`: stream-sediment samples over the drainage basins upstream of them."""
from qgis.core import (
    QgsProcessing,
    QgsProcessingParameterBoolean,
    QgsProcessingParameterField,
    QgsProcessingParameterFileDestination,
    QgsProcessingParameterNumber,
    QgsProcessingParameterRasterDestination,
    QgsProcessingParameterRasterLayer,
    QgsProcessingParameterVectorLayer,
)

from .base import GeoprospectAlgorithm, add_compress, add_points, points_arguments


class CatchmentsAlgorithm(GeoprospectAlgorithm):
    command = "catchments"
    title = "Sample catchments"
    group_id = "geochemistry"
    help_text = (
        "Nested sample catchments on a conditioned DEM (pits filled, flats drained, D8): each "
        "sample snapped to the highest flow accumulation within SNAP metres, its value mapped "
        "over the cells that drain to it and no other sample downstream. Writes the labels, "
        "the values (band 2: Hawkes's productivity, optional) and the catchment polygons."
    )

    def initAlgorithm(self, config=None):  # noqa: N802
        self.addParameter(QgsProcessingParameterRasterLayer("DEM", "DEM (projected CRS)"))
        self.addParameter(
            QgsProcessingParameterVectorLayer(
                "SAMPLES", "Stream-sediment samples (CSV or OGR points)",
                [QgsProcessing.TypeVectorPoint, QgsProcessing.TypeVector],
            )
        )
        add_points(
            self, "SAMPLES", "CRS of the coordinates (default: the file's; the grid's for CSV)"
        )
        self.addParameter(
            QgsProcessingParameterField("FIELD", "Field", parentLayerParameterName="SAMPLES")
        )
        self.addParameter(
            QgsProcessingParameterField(
                "ID", "Column naming each sample (default: its data-row number)",
                parentLayerParameterName="SAMPLES", optional=True,
            )
        )
        self.addParameter(
            QgsProcessingParameterNumber(
                "SNAP", "Snap distance in metres (default: 100, at least 1.5 cells)",
                QgsProcessingParameterNumber.Double, optional=True, minValue=0.0,
                maxValue=10000.0,
            )
        )
        self.addParameter(
            QgsProcessingParameterRasterLayer(
                "LIKE", "Compute on this raster's grid", optional=True
            )
        )
        self.addParameter(
            QgsProcessingParameterBoolean(
                "PRODUCTIVITY", "Add Hawkes's productivity (C - background) x area as band 2",
                False,
            )
        )
        self.addParameter(
            QgsProcessingParameterNumber(
                "BACKGROUND", "Background of the productivity (default: the samples' median)",
                QgsProcessingParameterNumber.Double, optional=True,
            )
        )
        add_compress(self)
        self.addParameter(QgsProcessingParameterRasterDestination("LABELS", "Catchment labels"))
        self.addParameter(
            QgsProcessingParameterRasterDestination("OUTPUT", "Values over catchments")
        )
        self.addParameter(
            QgsProcessingParameterFileDestination(
                "GEOJSON", "Catchment polygons (default: OUTPUT with .geojson)",
                "GeoJSON (*.geojson)", optional=True, createByDefault=False,
            )
        )

    def arguments(self, args, outputs):
        args.add(args.raster("DEM"))
        args.add("--samples", args.vector("SAMPLES", "--layer"))
        points_arguments(args)
        args.field("--field", "FIELD")
        args.field("--id", "ID")
        args.number("--snap", "SNAP")
        if args.given("LIKE"):
            args.add("--like", args.raster("LIKE"))
        args.boolean("--productivity", "PRODUCTIVITY")
        args.number("--background", "BACKGROUND")
        args.add("--labels", outputs["LABELS"], "--out", outputs["OUTPUT"])
        if "GEOJSON" in outputs:
            args.add("--geojson", outputs["GEOJSON"])
        args.enum("--compress", "COMPRESS")
