"""SMART App Launch 2.x (EHR launch): spinewise as a SMART app that reads the chart."""
