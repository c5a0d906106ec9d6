// A TypeDoc plugin: the notDocumented check for properties, limited to those
// of named types (interfaces and classes). TypeDoc's own check, with
// "Property" required, also asks for a comment on each member of every
// anonymous object type (a function's return type, a table's literal), which
// the symbol's own comment already describes; typedoc.json leaves Property
// out of requiredToBeDocumented and this puts the named ones back.
import { Application, ReflectionKind } from 'typedoc'

/** @param {Application} app */
export function load(app) {
  app.on(Application.EVENT_VALIDATE_PROJECT, (project) => {
    if (!app.options.getValue('validation').notDocumented) return
    const packages = app.options.getValue('packagesRequiringDocumentation')
    for (const property of project.getReflectionsByKind(ReflectionKind.Property)) {
      if (property.hasComment() || !property.parent?.kindOf(ReflectionKind.ClassOrInterface)) continue
      const id = project.getSymbolIdFromReflection(property)
      if (id === undefined || !packages.includes(id.packageName)) continue
      app.logger.warn(`${property.getFriendlyFullName()} (Property), defined in ${id.packageName}/${id.packagePath}, does not have any documentation`)
    }
  })
}
