"""Windows 11 OOBE screens: a white rounded card on a soft blue-grey backdrop, dark text."""
