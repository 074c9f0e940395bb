"""The fixed frame of every questionnaire: what a file may not change from year to year.

The dimensions, stages and 24 key indicators are national (GB/T 23020-2013 and the regional
digital-assessment guide), so that reports compare enterprises across industries and years; the
field sets say which ``Question`` attributes each question type may set. The models in
``questionnaire`` and the checks in ``questionnaire_checks`` both read them from here.
"""

from __future__ import annotations

# GB/T 23020-2013 as the national self-assessment platform presents it: fixed, so that reports
# can compare enterprises across industries and years.
DIMENSION_KEYS = (
    "infrastructure",
    "single_application",
    "integration",
    "collaboration",
    "competitiveness",
)
STAGE_KEYS = ("basic", "single", "integration", "innovation")

# Seed 002, table 1, in its order: key -> direction. Titles and formulas come from the file.
INDICATOR_DIRECTIONS = {
    "key_process_cnc_rate": "digitalisation",
    "equipment_digitalisation_rate": "digitalisation",
    "digital_design_tool_rate": "digitalisation",
    "industrial_software_rate": "digitalisation",
    "management_digitalisation_rate": "digitalisation",
    "key_business_fully_digital_share": "digitalisation",
    "digital_equipment_networking_rate": "networking",
    "equipment_cloud_rate": "networking",
    "industrial_cloud_platform_rate": "networking",
    "industrial_internet_platform_rate": "networking",
    "management_control_integration_share": "networking",
    "production_supply_sales_integration_share": "networking",
    "industry_chain_collaboration_share": "networking",
    "smart_manufacturing_readiness_rate": "intelligence",
    "smart_product_share": "intelligence",
    "smart_production_share": "intelligence",
    "smart_analytics_share": "intelligence",
    "ics_security_monitoring_share": "intelligence",
    "data_resource_utilisation_share": "intelligence",
    "networked_collaboration_share": "new_models",
    "service_manufacturing_share": "new_models",
    "personalised_customisation_share": "new_models",
    "platform_design_share": "new_models",
    "ecommerce_share": "new_models",
}

# Fields each type may set besides the common ones (key, type, title, help, required, dimension).
TYPE_FIELDS = {
    "single": {"options"},
    "multiple": {"options", "cap"},
    "yes_no": {"score_yes", "score_no"},
    "number": {"min", "max", "integer", "unit", "not_greater_than", "bands"},
    "percentage": {"bands"},
    "text": {"max_length"},
}
COMMON_FIELDS = {"key", "type", "title", "help", "required", "dimension"}
