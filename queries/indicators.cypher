// The indicators of table 1: 2020 baseline, 2025 target, change and growth in %.
MATCH (i:Indicator) WHERE i.notation STARTS WITH '表1'
RETURN i.notation AS notation, i.name_zh AS indicator, i.unit AS unit,
       i.baseline_value AS value_2020, i.target_value AS value_2025,
       i.target_value - i.baseline_value AS change,
       CASE WHEN i.baseline_value <> 0 THEN (i.target_value / i.baseline_value - 1) * 100 END AS change_pct
ORDER BY toInteger(split(i.notation, '-')[1])
