/**
 * @tmis/core — the regulation of the National Teacher Management Information System (教师〔2017〕2号) as pure rules,
 * machines, ports and application services.
 *
 * @since 0.1.0
 */

export * as Account from "./accounts/Account.js"
export * as Authorization from "./accounts/Authorization.js"
export * as IdentitySource from "./accounts/IdentitySource.js"
export * as Accounts from "./application/Accounts.js"
export * as Audit from "./application/Audit.js"
export * as Auth from "./application/Auth.js"
export * as BatchImport from "./application/BatchImport.js"
export * as Constraint from "./application/Constraint.js"
export * as EFiles from "./application/EFiles.js"
export * as Settings from "./application/Settings.js"
export * as Storage from "./application/Storage.js"
export * as Units from "./application/Units.js"
export * as Workflows from "./application/Workflows.js"
export * as Division from "./codes/Division.js"
export * as Eligibility from "./codes/Eligibility.js"
export * as IdentityNumber from "./codes/IdentityNumber.js"
export * as SchoolCode from "./codes/SchoolCode.js"
export * as SchoolType from "./codes/SchoolType.js"
export * as Sponsor from "./codes/Sponsor.js"
export * as ChangeRequest from "./efile/ChangeRequest.js"
export * as EFile from "./efile/EFile.js"
export * as EmploymentStatus from "./efile/EmploymentStatus.js"
export * as Indicator from "./efile/Indicator.js"
export * as Review from "./efile/Review.js"
export * as Deployment from "./hierarchy/Deployment.js"
export * as Hierarchy from "./hierarchy/Hierarchy.js"
export * as Unit from "./hierarchy/Unit.js"
export * as Refusal from "./kernel/Refusal.js"
export * as Regulation from "./kernel/Regulation.js"
export * as Rotation from "./processes/Rotation.js"
export * as Transfer from "./processes/Transfer.js"
export * as Credential from "./security/Credential.js"
