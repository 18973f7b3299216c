"""`geoprospect:grid`: one field of sample points gridded (IDW, nearest, ordinary kriging)."""
from qgis.core import (
    QgsProcessing,
    QgsProcessingParameterBoolean,
    QgsProcessingParameterCrs,
    QgsProcessingParameterExtent,
    QgsProcessingParameterField,
    QgsProcessingParameterNumber,
    QgsProcessingParameterRasterDestination,
    QgsProcessingParameterRasterLayer,
    QgsProcessingParameterString,
    QgsProcessingParameterVectorLayer,
)

from .base import (
    GeoprospectAlgorithm,
    add_area,
    add_compress,
    add_points,
    area_arguments,
    enum_parameter,
    points_arguments,
)


class GridAlgorithm(GeoprospectAlgorithm):
    command = "grid"
    title = "Grid sample points (IDW, nearest, kriging)"
    group_id = "geochemistry"
    help_text = (
        "Grids one field of a point file (CSV with coordinate columns, or any OGR point layer) "
        "by inverse distance weighting, the nearest sample or ordinary kriging (band 2: the "
        "kriging variance). The grid is CRS + extent + cell size, or that of a raster (LIKE). "
        "Values stay in the field's unit; censored values count as half the limit."
    )

    def initAlgorithm(self, config=None):  # noqa: N802
        self.addParameter(
            QgsProcessingParameterVectorLayer(
                "POINTS", "Sample points (CSV or OGR points)",
                [QgsProcessing.TypeVectorPoint, QgsProcessing.TypeVector],
            )
        )
        self.addParameter(
            QgsProcessingParameterField("FIELD", "Field to grid", parentLayerParameterName="POINTS")
        )
        add_points(
            self, "POINTS", "CRS of the coordinates (default: the file's; the grid's for CSV)"
        )
        self.addParameter(QgsProcessingParameterRasterLayer(
            "LIKE", "Take CRS, extent and cell size from this raster", optional=True
        ))
        self.addParameter(QgsProcessingParameterCrs("CRS", "Grid CRS", optional=True))
        self.addParameter(QgsProcessingParameterExtent("EXTENT", "Grid extent", optional=True))
        self.addParameter(
            QgsProcessingParameterNumber(
                "RESOLUTION", "Cell size (grid CRS units)", QgsProcessingParameterNumber.Double,
                optional=True, minValue=0.0,
            )
        )
        self.addParameter(
            enum_parameter("METHOD", "Method", ["idw", "nearest", "kriging"], "idw")
        )
        self.addParameter(
            QgsProcessingParameterNumber(
                "POWER", "IDW power (default 2)", QgsProcessingParameterNumber.Double,
                optional=True, minValue=0.0,
            )
        )
        self.addParameter(
            QgsProcessingParameterNumber(
                "NEIGHBORS", "Nearest samples per cell (default 12 for idw, 16 for kriging)",
                QgsProcessingParameterNumber.Integer, optional=True, minValue=1,
            )
        )
        self.addParameter(
            QgsProcessingParameterNumber(
                "RADIUS", "Search radius (grid CRS units; default: none)",
                QgsProcessingParameterNumber.Double, optional=True, minValue=0.0,
            )
        )
        self.addParameter(
            QgsProcessingParameterString(
                "VARIOGRAM", "Kriging variogram KIND,NUGGET,PARTIAL_SILL,RANGE (default: fitted)",
                optional=True,
            )
        )
        self.addParameter(
            QgsProcessingParameterString(
                "MAX_DISTANCE",
                "Nodata farther than this from every sample: a distance, none or auto "
                "(3 x the median nearest-neighbour spacing)",
                "auto",
            )
        )
        self.addParameter(
            QgsProcessingParameterBoolean("LOG", "Interpolate log10 and back-transform", False)
        )
        add_area(self)
        add_compress(self)
        self.addParameter(QgsProcessingParameterRasterDestination("OUTPUT", "Grid"))

    def arguments(self, args, outputs):
        args.add(args.vector("POINTS", "--layer"))
        args.field("--field", "FIELD")
        points_arguments(args)
        if args.given("LIKE"):
            args.add("--like", args.raster("LIKE"))
        args.crs("--crs", "CRS")
        if args.given("EXTENT"):
            crs = self.parameterAsCrs(args.parameters, "CRS", args.context)
            e = self.parameterAsExtent(args.parameters, "EXTENT", args.context, crs)
            args.add("--extent", ",".join(repr(v) for v in (
                e.xMinimum(), e.yMinimum(), e.xMaximum(), e.yMaximum()
            )))
        args.number("--resolution", "RESOLUTION")
        args.enum("--method", "METHOD")
        args.number("--power", "POWER")
        args.integer("--neighbors", "NEIGHBORS")
        args.number("--radius", "RADIUS")
        args.string("--variogram", "VARIOGRAM")
        args.string("--max-distance", "MAX_DISTANCE")
        args.boolean("--log", "LOG")
        area_arguments(args)
        args.add("--out", outputs["OUTPUT"])
        args.enum("--compress", "COMPRESS")
