import {
  createCipheriv,
  createDecipheriv,
  createHash,
  randomBytes,
} from 'node:crypto';
import { Knex } from 'knex';

/**
 * Encrypts environment secrets at rest with AES-256-GCM. The key comes from
 * `gantry.environments.encryptionKey`; without one (the embedded default) a
 * random key is generated once and kept in the database, which protects
 * nothing against someone holding the database, so production sets the key.
 */
export class SecretBox {
  private constructor(private readonly key: Buffer) {}

  static async create(db: Knex, configured?: string): Promise<SecretBox> {
    if (configured) {
      return new SecretBox(createHash('sha256').update(configured).digest());
    }
    const name = 'environment-secrets';
    await db('gantry_keys')
      .insert({ name, value: randomBytes(32).toString('base64') })
      .onConflict('name')
      .ignore();
    const row = await db('gantry_keys').where({ name }).first();
    return new SecretBox(Buffer.from(row.value, 'base64'));
  }

  seal(value: Record<string, string>): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const data = Buffer.concat([
      cipher.update(JSON.stringify(value), 'utf8'),
      cipher.final(),
    ]);
    return ['v1', iv, cipher.getAuthTag(), data]
      .map(p => (typeof p === 'string' ? p : p.toString('base64')))
      .join(':');
  }

  open(sealed: string | null | undefined): Record<string, string> {
    if (!sealed) return {};
    const [version, iv, tag, data] = sealed.split(':');
    if (version !== 'v1') throw new Error(`unknown secret format ${version}`);
    const decipher = createDecipheriv(
      'aes-256-gcm',
      this.key,
      Buffer.from(iv, 'base64'),
    );
    decipher.setAuthTag(Buffer.from(tag, 'base64'));
    return JSON.parse(
      Buffer.concat([
        decipher.update(Buffer.from(data, 'base64')),
        decipher.final(),
      ]).toString('utf8'),
    );
  }
}
