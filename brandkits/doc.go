// Package brandkits is the domain of brand kits: the Kit model, loading a kit
// folder with every problem reported by path, linting, versioning and the kit
// store interface. It imports no storage or HTTP code.
package brandkits
