/**
 * What an account is called and does: its id, its role and its certificate binding — the part of `Account` that
 * `Authorization` reads, in a module of its own so that the two do not import each other. Re-exported by `Account`.
 *
 * @since 0.1.0
 */
import { Schema } from "effect"

/**
 * The role of an account (M13.1, M13.5).
 *
 * @since 0.1.0
 */
export const Role = Schema.Literal("systemAdmin", "infoAdmin", "infoQueryer", "teacher")

/**
 * @since 0.1.0
 */
export type Role = typeof Role.Type

/**
 * The Chinese name of each role.
 *
 * @since 0.1.0
 */
export const roleName: Record<Role, string> = {
  systemAdmin: "系统管理员",
  infoAdmin: "信息管理员",
  infoQueryer: "信息查询员",
  teacher: "教师"
}

/**
 * @since 0.1.0
 */
export const AccountId = Schema.String.pipe(Schema.pattern(/^[A-Za-z0-9_-]{1,64}$/), Schema.brand("AccountId"))

/**
 * @since 0.1.0
 */
export type AccountId = typeof AccountId.Type

/**
 * A CA certificate bound to an account, by the SHA-256 fingerprint of its DER encoding (M14.2).
 *
 * @since 0.1.0
 */
export interface CertificateBinding {
  /** 64 lower-case hex digits. */
  readonly fingerprint: string
  /** ISO 8601 instants. */
  readonly notBefore: string
  readonly notAfter: string
}
