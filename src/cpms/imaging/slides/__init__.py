"""Whole-slide pathology: SVS and pyramidal TIFF files of a case, shown as
Deep Zoom tiles in OpenSeadragon."""
