/** Configuration of the `control` processor (YAML keys in snake_case). */

export interface ControlProcessorConfig {
  /** Record attributes naming the function a record was logged in; the first present wins. */
  function_attributes: string[];
  /** Record attribute with the template id (decimal text) for records whose TemplateId column is 0. */
  template_id_attribute: string;
  /** Resource attribute naming the service instance. */
  instance_attribute: string;
}

export function createDefaultControlProcessorConfig(): ControlProcessorConfig {
  return {
    function_attributes: ['code.function', 'code.function.name'],
    template_id_attribute: 'log.record.template.id',
    instance_attribute: 'service.instance.id',
  };
}

/** Every problem found, [] when valid. */
export function validateControlProcessorConfig(c: ControlProcessorConfig): string[] {
  const problems: string[] = [];
  if (!Array.isArray(c.function_attributes) || c.function_attributes.some((a) => typeof a !== 'string' || a === '')) {
    problems.push('function_attributes: must be a list of attribute names');
  }
  if (typeof c.template_id_attribute !== 'string') problems.push('template_id_attribute: must be an attribute name or ""');
  if (typeof c.instance_attribute !== 'string') problems.push('instance_attribute: must be an attribute name or ""');
  return problems;
}
