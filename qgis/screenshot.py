"""The README's QGIS screenshot (docs/qgis.png): QGIS desktop runs `geoprospect:run` on the
Mongolian sample batch through the provider, loads the outputs with their styles, shows the Sn
map, samples and targets, and saves its main window.

Run by `make qgis-screenshot` from the repository's root (QGIS under xvfb-run, a throw-away
profile):
    qgis --profiles-path PROFILE --code qgis/screenshot.py
with GEOPROSPECT_BIN, GEOPROSPECT_SCREENSHOT (the PNG) and GEOPROSPECT_SCREENSHOT_OUT (the run's
output folder) in the environment. QGIS exits 0 once the PNG is saved, 1 on any failure.
"""
import os
import traceback

import processing
import qgis.utils
from qgis.core import QgsProject
from qgis.PyQt.QtCore import QTimer
from qgis.PyQt.QtWidgets import QApplication, QDockWidget

ROOT = os.getcwd()  # QGIS runs --code files without __file__
SHOWN = ("prospectivity_sn", "samples_sn", "targets_sn")


def guarded(step):
    """`step` for a timer: any failure ends QGIS with status 1 instead of an error dialog."""

    def run():
        try:
            step()
        except Exception:  # noqa: BLE001
            traceback.print_exc()
            QApplication.instance().exit(1)

    return run


def load():
    """Runs the batch through the provider: its outputs in the project, the Sn layers shown."""
    qgis.utils.loadPlugin("geoprospect")
    qgis.utils.startPlugin("geoprospect")
    processing.runAndLoadResults(
        "geoprospect:run",
        {
            "PROJECT": os.path.join(ROOT, "samples", "mongolia", "project.toml"),
            "OUTPUT": os.environ["GEOPROSPECT_SCREENSHOT_OUT"],
        },
    )
    project = QgsProject.instance()
    root = project.layerTreeRoot()
    for layer in project.mapLayers().values():
        node = root.findLayer(layer.id())
        node.setItemVisibilityChecked(layer.name() in SHOWN)
        node.setExpanded(layer.name() in SHOWN)
    browser = qgis.utils.iface.mainWindow().findChild(QDockWidget, "Browser")
    if browser is not None:
        browser.hide()
    QTimer.singleShot(2000, guarded(frame))


def frame():
    """The map in the score map's CRS (UTM), over its extent; saved once drawn."""
    score = QgsProject.instance().mapLayersByName("prospectivity_sn")[0]
    QgsProject.instance().setCrs(score.crs())
    canvas = qgis.utils.iface.mapCanvas()
    canvas.setDestinationCrs(score.crs())
    canvas.setExtent(score.extent())
    canvas.refreshAllLayers()
    QTimer.singleShot(8000, guarded(save))


def save():
    """Saves the main window and quits."""
    window = qgis.utils.iface.mainWindow()
    saved = window.grab().save(os.environ["GEOPROSPECT_SCREENSHOT"])
    QApplication.instance().exit(0 if saved else 1)


qgis.utils.iface.mainWindow().showMaximized()
QTimer.singleShot(3000, guarded(load))
