"""Loading a run's outputs into the project under the QGIS styles (`.qml`) the run writes
beside them: score ramps, target outlines, samples classed by anomaly."""
import os

from qgis.core import QgsProcessingContext, QgsProcessingLayerPostProcessorInterface


class StyleLoader(QgsProcessingLayerPostProcessorInterface):
    """Applies one `.qml` file to the layer once Processing has loaded it."""

    def __init__(self, qml):
        super().__init__()
        self.qml = qml

    def postProcessLayer(self, layer, context, feedback):  # noqa: N802
        message, ok = layer.loadNamedStyle(self.qml)
        if not ok:
            feedback.pushWarning(f"{self.qml}: style not applied: {message}")
        layer.triggerRepaint()


_loaders = {}
"""The post-processors by layer path: Processing holds only a pointer, so Python must keep them
alive until the layers are loaded."""


def load_with_style(path, context, output_name):
    """Asks Processing to load `path` into the context's project when the algorithm completes,
    with the style `<stem>.qml` beside it when there is one."""
    name = os.path.splitext(os.path.basename(path))[0]
    details = QgsProcessingContext.LayerDetails(name, context.project(), output_name)
    qml = os.path.splitext(path)[0] + ".qml"
    if os.path.exists(qml):
        _loaders[path] = StyleLoader(qml)
        details.setPostProcessor(_loaders[path])
    context.addLayerToLoadOnCompletion(path, details)
