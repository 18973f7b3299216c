"""geoprospect for QGIS: a Processing provider whose algorithms run the geoprospect binary."""


def classFactory(iface):  # noqa: N802 (the name QGIS calls)
    """The plugin object QGIS asks for when it loads the plugin."""
    from .plugin import GeoprospectPlugin

    return GeoprospectPlugin()
