/**
 * @tmis/core — the regulation of the National Teacher Management Information System (教师〔2017〕2号) as pure rules,
 * machines, ports and application services.
 *
 * @since 0.1.0
 */

export * as Account from "./Account.js"
export * as Accounts from "./Accounts.js"
export * as Audit from "./Audit.js"
export * as Auth from "./Auth.js"
export * as Authorization from "./Authorization.js"
export * as BatchImport from "./BatchImport.js"
export * as ChangeRequest from "./ChangeRequest.js"
export * as Credential from "./Credential.js"
export * as Deployment from "./Deployment.js"
export * as Division from "./Division.js"
export * as EFile from "./EFile.js"
export * as EFiles from "./EFiles.js"
export * as Eligibility from "./Eligibility.js"
export * as EmploymentStatus from "./EmploymentStatus.js"
export * as Hierarchy from "./Hierarchy.js"
export * as IdentityNumber from "./IdentityNumber.js"
export * as IdentitySource from "./IdentitySource.js"
export * as Indicator from "./Indicator.js"
export * as Regulation from "./Regulation.js"
export * as Review from "./Review.js"
export * as Rotation from "./Rotation.js"
export * as RuleError from "./RuleError.js"
export * as SchoolCode from "./SchoolCode.js"
export * as SchoolType from "./SchoolType.js"
export * as Settings from "./Settings.js"
export * as Sponsor from "./Sponsor.js"
export * as Storage from "./Storage.js"
export * as Transfer from "./Transfer.js"
export * as Unit from "./Unit.js"
export * as Units from "./Units.js"
export * as Workflows from "./Workflows.js"
