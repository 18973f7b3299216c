"""What every geoprospect algorithm shares: the command it runs, its group and help, the
translation of Processing parameters into the command's flags, and the parameter groups several
commands take (study area, deposits, point coordinates, COG compression)."""
from qgis.core import (
    QgsProcessing,
    QgsProcessingAlgorithm,
    QgsProcessingParameterBoolean,
    QgsProcessingParameterCrs,
    QgsProcessingParameterEnum,
    QgsProcessingParameterField,
    QgsProcessingParameterRasterDestination,
    QgsProcessingParameterString,
    QgsProcessingParameterVectorLayer,
    QgsProviderRegistry,
)

from .. import cli

GROUPS = {
    "survey": "Survey",
    "geochemistry": "Geochemistry",
    "evidence": "Evidence layers",
    "models": "Models",
    "validation": "Validation",
}
"""Group ids and their names in the Processing toolbox."""


class GeoprospectAlgorithm(QgsProcessingAlgorithm):
    """One geoprospect command. A subclass names it (`command`, `title`, `group_id`,
    `help_text`), declares its parameters in `initAlgorithm` and turns them into the command's
    arguments in `arguments`; its destination parameters are the outputs it returns."""

    command = ""
    title = ""
    group_id = ""
    help_text = ""

    def name(self):
        return self.command

    def displayName(self):  # noqa: N802
        return self.title

    def group(self):
        return GROUPS[self.group_id]

    def groupId(self):  # noqa: N802
        return self.group_id

    def shortHelpString(self):  # noqa: N802
        return self.help_text

    def createInstance(self):  # noqa: N802
        return type(self)()

    def arguments(self, args, outputs):
        """Adds the command's arguments to `args` (an `Arguments`); `outputs` maps each
        destination parameter to its path."""
        raise NotImplementedError

    def loaded(self, outputs, context):
        """After a successful run: layers to load with their styles (none by default)."""

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802
        outputs = {}
        for d in self.destinationParameterDefinitions():
            if isinstance(d, QgsProcessingParameterRasterDestination):
                path = self.parameterAsOutputLayer(parameters, d.name(), context)
            else:
                path = self.parameterAsFileOutput(parameters, d.name(), context)
            if path:
                outputs[d.name()] = path
        args = Arguments(self, parameters, context)
        args.add(self.command)
        self.arguments(args, outputs)
        if cli.run(args.items, feedback, list(outputs.values())) is None:
            return {}
        self.loaded(outputs, context)
        return outputs


def layer_source(layer):
    """The file of a map layer and its layer inside the file (None when the file has one)."""
    parts = QgsProviderRegistry.instance().decodeUri(layer.providerType(), layer.source())
    return parts.get("path") or layer.source(), parts.get("layerName") or None


class Arguments:
    """The command line being built from an algorithm's parameter values: each method reads
    one parameter and appends its flag when the parameter has a value."""

    def __init__(self, algorithm, parameters, context):
        self.algorithm = algorithm
        self.parameters = parameters
        self.context = context
        self.items = []

    def add(self, *items):
        """Appends literal arguments."""
        self.items.extend(str(i) for i in items)

    def given(self, name):
        """Whether the parameter has a value."""
        value = self.parameters.get(name)
        return value is not None and value != ""

    def raster(self, name):
        """A raster layer parameter's file (None when not given)."""
        layer = self.algorithm.parameterAsRasterLayer(self.parameters, name, self.context)
        return None if layer is None else layer_source(layer)[0]

    def vector(self, name, layer_flag=None):
        """A vector layer parameter's file; its layer inside the file goes to `layer_flag`."""
        layer = self.algorithm.parameterAsVectorLayer(self.parameters, name, self.context)
        if layer is None:
            return None
        path, inner = layer_source(layer)
        if inner and layer_flag:
            self.add(layer_flag, inner)
        return path

    def string(self, flag, name):
        if self.given(name):
            self.add(flag, self.algorithm.parameterAsString(self.parameters, name, self.context))

    def number(self, flag, name):
        if self.given(name):
            value = self.algorithm.parameterAsDouble(self.parameters, name, self.context)
            self.add(flag, repr(value))

    def integer(self, flag, name):
        if self.given(name):
            self.add(flag, self.algorithm.parameterAsInt(self.parameters, name, self.context))

    def boolean(self, flag, name):
        if self.algorithm.parameterAsBoolean(self.parameters, name, self.context):
            self.add(flag)

    def enum(self, flag, name):
        if self.given(name):
            value = self.algorithm.parameterAsEnumString(self.parameters, name, self.context)
            self.add(flag, value)

    def crs(self, flag, name):
        """A CRS as its authority id (EPSG:32648), or WKT when it has none."""
        if self.given(name):
            crs = self.algorithm.parameterAsCrs(self.parameters, name, self.context)
            if crs.isValid():
                self.add(flag, crs.authid() or crs.toWkt())

    def field(self, flag, name):
        if self.given(name):
            fields = self.algorithm.parameterAsFields(self.parameters, name, self.context)
            if fields:
                self.add(flag, fields[0])


def enum_parameter(name, description, options, default, optional=False):
    """An enum whose values are the command's own words (`METHOD=kriging` in qgis_process)."""
    return QgsProcessingParameterEnum(
        name, description, options, False, default, optional, usesStaticStrings=True
    )


def add_compress(algorithm):
    """`--compress`."""
    algorithm.addParameter(
        enum_parameter("COMPRESS", "COG compression", ["deflate", "zstd", "none"], "deflate")
    )


def add_area(algorithm):
    """The study area: `--area` (and its OGR layer) and `--area-where`."""
    algorithm.addParameter(
        QgsProcessingParameterVectorLayer(
            "AREA",
            "Study area (cells outside are nodata and count in no statistic)",
            [QgsProcessing.TypeVectorPolygon],
            optional=True,
        )
    )
    algorithm.addParameter(
        QgsProcessingParameterString(
            "AREA_WHERE", "OGR SQL filter on the study area's features", optional=True
        )
    )


def area_arguments(args):
    if args.given("AREA"):
        args.add("--area", args.vector("AREA", "--area-layer"))
        args.string("--area-where", "AREA_WHERE")


def add_points(algorithm, parent, crs_help):
    """The coordinate columns of delimited text (`--x`, `--y`) and `--points-crs`."""
    for name, axis in (("X", "X (easting or longitude)"), ("Y", "Y (northing or latitude)")):
        algorithm.addParameter(
            QgsProcessingParameterField(
                name, f"{axis} column of delimited text", parentLayerParameterName=parent,
                optional=True,
            )
        )
    algorithm.addParameter(QgsProcessingParameterCrs("POINTS_CRS", crs_help, optional=True))
    algorithm.addParameter(
        QgsProcessingParameterString(
            "ENCODING", "Text encoding of delimited text (e.g. cp949; default: detected)",
            optional=True,
        )
    )


def points_arguments(args):
    args.field("--x", "X")
    args.field("--y", "Y")
    args.crs("--points-crs", "POINTS_CRS")
    args.string("--encoding", "ENCODING")


def add_deposits(algorithm):
    """The known deposits and their commodity (`--deposits`, `--commodity`, ...)."""
    algorithm.addParameter(
        QgsProcessingParameterVectorLayer(
            "DEPOSITS", "Known deposits (points, or CSV with X/Y columns)",
            [QgsProcessing.TypeVectorPoint, QgsProcessing.TypeVector],
        )
    )
    algorithm.addParameter(
        QgsProcessingParameterString(
            "COMMODITY", "Commodity (REE, Sn, Mo, Au, Cu ...; parts of Cu-Au count)"
        )
    )
    algorithm.addParameter(
        QgsProcessingParameterField(
            "DEPOSIT_ATTRIBUTE", "Attribute naming each deposit's commodities (default: commodity)",
            "commodity", "DEPOSITS", optional=True,
        )
    )
    for name, axis in (("DEPOSITS_X", "X"), ("DEPOSITS_Y", "Y")):
        algorithm.addParameter(
            QgsProcessingParameterField(
                name, f"{axis} column of a CSV deposit file", parentLayerParameterName="DEPOSITS",
                optional=True,
            )
        )
    algorithm.addParameter(
        QgsProcessingParameterCrs(
            "DEPOSITS_CRS", "CRS of a CSV deposit file (or of a file without one)", optional=True
        )
    )
    algorithm.addParameter(
        QgsProcessingParameterBoolean(
            "INCLUDE_MINOR", "Count minor associations (the parts in parentheses)", False
        )
    )


def deposits_arguments(args):
    args.add("--deposits", args.vector("DEPOSITS", "--deposits-layer"))
    args.string("--commodity", "COMMODITY")
    args.field("--deposit-attribute", "DEPOSIT_ATTRIBUTE")
    args.field("--x", "DEPOSITS_X")
    args.field("--y", "DEPOSITS_Y")
    args.crs("--deposits-crs", "DEPOSITS_CRS")
    args.boolean("--include-minor", "INCLUDE_MINOR")

