"""The insurance pages of the office portal."""
