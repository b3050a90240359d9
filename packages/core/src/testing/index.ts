// In-memory fakes of every port and the contract suites. Never imported by production code.
export {}
