/**
 * Name pools shared by the generator and the sanctions screen. The watch list is built
 * from the same pools with a fixed seed, so generated applicants can be made to match it.
 */
import { SeededRandom } from '../support/random.js';

export const GIVEN_NAMES = [
  'Amara',
  'Bjorn',
  'Chen',
  'Dmitri',
  'Elena',
  'Farid',
  'Giulia',
  'Hiroshi',
  'Ines',
  'Jamal',
  'Katarzyna',
  'Lars',
  'Mei',
  'Nikolai',
  'Olga',
  'Pedro',
  'Qasim',
  'Rosa',
  'Sven',
  'Tamar',
  'Umar',
  'Valentina',
  'Wei',
  'Ximena',
  'Yusuf',
  'Zofia',
  'Aditya',
  'Beatriz',
  'Cormac',
  'Daria',
];

export const FAMILY_NAMES = [
  'Abramov',
  'Bianchi',
  'Castillo',
  'Dubois',
  'Eriksen',
  'Fischer',
  'Goncalves',
  'Haddad',
  'Ivanova',
  'Jansen',
  'Kowalski',
  'Lindqvist',
  'Moreau',
  'Nakamura',
  'Okafor',
  'Petrov',
  'Quintero',
  'Rossi',
  'Sokolov',
  'Tanaka',
  'Ueda',
  'Vargas',
  'Wojcik',
  'Xu',
  'Yilmaz',
  'Zhang',
  'Almeida',
  'Brennan',
  'Costa',
  'Demir',
];

export interface ListedPerson {
  fullName: string;
  dateOfBirth: string;
}

/** 300 listed people (names and dates of birth). */
export const WATCH_LIST: readonly ListedPerson[] = (() => {
  const random = new SeededRandom(0x5a4c710);
  return Array.from({ length: 300 }, () => ({
    fullName: `${random.pick(GIVEN_NAMES)} ${random.pick(GIVEN_NAMES)} ${random.pick(FAMILY_NAMES)}`,
    dateOfBirth: `19${random.int(40, 99)}-${String(random.int(1, 12)).padStart(2, '0')}-${String(random.int(1, 28)).padStart(2, '0')}`,
  }));
})();
