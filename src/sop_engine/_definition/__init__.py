"""Reading SOP files: safe YAML source, the JSON Schema, validation into the SOP model."""
