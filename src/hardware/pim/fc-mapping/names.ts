/**
 * Names of the FC mappings (registered in fc-mapping/index.ts). Kept apart from the registry so the design
 * schema can list them without importing the mapping code (which imports the schema's types).
 */
export const PIM_FC_MAPPING_NAMES = ["auto", "n-split", "k-split"] as const;
export type PimFcMappingName = (typeof PIM_FC_MAPPING_NAMES)[number];
