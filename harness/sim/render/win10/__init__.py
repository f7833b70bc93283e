"""Windows 10 OOBE screens: dark blue, white text, light titles, flat blue buttons."""
